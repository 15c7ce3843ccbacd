using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>
    /// Checks an extension against the definition its URL names: known, used where its context allows, a modifier
    /// exactly when it is a modifierExtension, and its value and nested extensions as the definition says.
    /// </summary>
    private void Extension(ElementNode extension, ResourceScope scope)
    {
        if (extension.GetString("url") is not { } url)
        {
            return; // the missing url is a cardinality error already
        }
        var isModifier = extension.Name == "modifierExtension";
        var parent = extension.Parent;
        if (!url.Contains(':', StringComparison.Ordinal) && parent is not null && parent.Type.Name == "Extension")
        {
            return; // a part of a complex extension, checked by the parent's definition
        }
        if (url.Contains('|', StringComparison.Ordinal))
        {
            Add(IssueSeverity.Error, IssueType.Invalid,
                $"The extension URL '{url}' must not carry a version: an extension is identified by its URL alone.", extension);
            url = url[..url.IndexOf('|', StringComparison.Ordinal)];
        }
        var plan = Plans.Get(url);
        if (plan is null || plan.Type != "Extension")
        {
            var severity = isModifier ? IssueSeverity.Error : Options.UnknownExtensionSeverity;
            Add(severity, IssueType.Extension,
                isModifier
                    ? $"Unknown modifier extension '{url}': a modifier extension that is not understood makes the resource unsafe to process."
                    : $"Unknown extension '{url}'.",
                extension);
            return;
        }
        if (isModifier != plan.IsModifierExtension)
        {
            Add(IssueSeverity.Error, IssueType.Extension,
                isModifier
                    ? $"Extension '{url}' is not a modifier extension, so it cannot be used as a modifierExtension."
                    : $"Extension '{url}' is a modifier extension, so it must be used as a modifierExtension.",
                extension);
        }
        if (parent is not null && plan.Contexts.Length > 0 && !ContextAllows(plan.Contexts, parent))
        {
            Add(IssueSeverity.Error, IssueType.Extension,
                $"Extension '{url}' is not allowed on {ContextName(parent)} (its contexts: {ContextList(plan.Contexts)}).", extension);
        }
        Element(extension, plan.Root, Mode.Profile, scope, typeConstraintsDone: null);
    }

    private static bool ContextAllows(ExtensionContext[] contexts, ElementNode parent)
    {
        foreach (var context in contexts)
        {
            var expression = context.Expression;
            switch (context.Type)
            {
                case "extension":
                    if (parent.Type.Name == "Extension" && parent.GetString("url") == expression)
                    {
                        return true;
                    }
                    break;
                case "fhirpath":
                    return true; // FHIRPath contexts are not evaluated: accepted rather than refused on a guess
                default:
                    if (expression is "Element" or "Base" || parent.Type.IsA(expression) || IsInterfaceOf(expression, parent))
                    {
                        return true;
                    }
                    if (parent.Definition is { } definition)
                    {
                        var path = definition.Path;
                        if (path == expression || (path.EndsWith("[x]", StringComparison.Ordinal) && expression.Length == path.Length - 3
                            && path.StartsWith(expression, StringComparison.Ordinal)))
                        {
                            return true;
                        }
                        // An element of a data type named by the type's path (Address.line), or by a choice's concrete type.
                        if (expression.EndsWith("[x]", StringComparison.Ordinal) && path == expression)
                        {
                            return true;
                        }
                    }
                    break;
            }
        }
        return false;
    }

    /// <summary>
    /// The extensions package, one source for every FHIR version, names R5's interface types as contexts:
    /// <c>CanonicalResource</c> (a resource with a canonical URL, a version and a status: SearchParameter, ValueSet,
    /// StructureDefinition, Questionnaire...) and <c>MetadataResource</c> (the canonical resources that are also knowledge
    /// artifacts). R4 has no such types; the resource types that have their elements are what they stand for.
    /// </summary>
    private static bool IsInterfaceOf(string expression, ElementNode parent)
    {
        if (expression is not ("CanonicalResource" or "MetadataResource") || !parent.Type.IsResource)
        {
            return false;
        }
        var type = parent.Type;
        var canonical = type.FindElement("url") is not null && type.FindElement("version") is not null && type.FindElement("status") is not null;
        return expression == "CanonicalResource" ? canonical : canonical && type.FindElement("approvalDate") is not null;
    }

    private static string ContextName(ElementNode parent) => parent.Definition?.Path ?? parent.Type.Name;

    private static string ContextList(ExtensionContext[] contexts)
    {
        var names = new string[contexts.Length];
        for (var i = 0; i < contexts.Length; i++)
        {
            names[i] = contexts[i].Expression;
        }
        return string.Join(", ", names);
    }
}
