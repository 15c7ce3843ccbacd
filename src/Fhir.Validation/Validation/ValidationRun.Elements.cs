using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Path;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>
    /// Checks one node against one element of a plan, then its children. <paramref name="typeConstraintsDone"/>: the
    /// constraints already evaluated on this node by the element that refers to its type.
    /// </summary>
    private void Element(ElementNode node, ElementPlan element, Mode mode, ResourceScope scope, ConstraintPlan[]? typeConstraintsDone)
    {
        if (element.Constraints.Length > 0)
        {
            Constraints(node, element.Constraints, skip: typeConstraintsDone, scope);
        }
        if (element.Fixed is not null || element.Pattern is not null || element.MinValue is not null || element.MaxValue is not null
            || element.MaxLength > 0)
        {
            Values(node, element);
        }
        if (element.Binding is { Strength: BindingStrength.Required or BindingStrength.Extensible } binding && Options.Terminology == TerminologyMode.Local)
        {
            Binding(node, binding);
        }
        if (element.Children.Length > 0)
        {
            if (node.Children.Count > 0 || HasRequiredChild(element))
            {
                Children(node, element, mode, scope);
            }
        }
        else if (mode == Mode.Base && !ReferenceEquals(node, scope.Resource))
        {
            if (node.IsResource)
            {
                // A contained resource, or a resource inside another (Bundle.entry.resource, Parameters.parameter.resource).
                Resource(node, node.Name == "contained" ? scope.Container : null, extraProfiles: null);
                return;
            }
            DataType(node);
            if (node.Type.Kind != Core.Definitions.TypeKind.System && Plans.Type(node.Type.Name) is { } typePlan)
            {
                var root = typePlan.Root;
                if (root.Constraints.Length > 0)
                {
                    Constraints(node, root.Constraints, skip: element.Constraints, scope);
                }
                if (node.Children.Count > 0 || HasRequiredChild(root))
                {
                    Children(node, root, mode, scope);
                }
            }
        }
        if (element.HasTypeProfiles)
        {
            TypeProfiles(node, element, scope);
        }
    }

    private static bool HasRequiredChild(ElementPlan element)
    {
        foreach (var child in element.Children)
        {
            if (child.Min > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Checks the children of a node against the child elements of <paramref name="parent"/>: cardinality, types, slices, each child.</summary>
    private void Children(ElementNode node, ElementPlan parent, Mode mode, ResourceScope scope)
    {
        var children = node.Children;
        var plans = parent.Children;
        Span<bool> seen = plans.Length <= 128 ? stackalloc bool[plans.Length] : new bool[plans.Length];
        var i = 0;
        while (i < children.Count)
        {
            var name = children[i].Name;
            var end = i + 1;
            while (end < children.Count && children[end].Name == name)
            {
                end++;
            }
            var plan = parent.FindChild(name);
            if (plan is null)
            {
                Add(IssueSeverity.Error, IssueType.Structure, $"Element '{children[i].JsonName}' is not allowed here ({parent.Path}).", children[i]);
                i = end;
                continue;
            }
            seen[plan.Index] = true;
            if (plan.Slicing is not null && plan.Slices.Count > 0)
            {
                Sliced(node, children, i, end, plan, mode, scope);
            }
            else
            {
                Cardinality(node, plan, end - i, children[i]);
                for (var k = i; k < end; k++)
                {
                    var child = children[k];
                    Type(child, plan, scope);
                    Element(child, plan, mode, scope, typeConstraintsDone: null);
                }
            }
            if (mode == Mode.Base && (name == "extension" || name == "modifierExtension"))
            {
                for (var k = i; k < end; k++)
                {
                    Extension(children[k], scope);
                }
            }
            i = end;
        }
        for (var p = 0; p < plans.Length; p++)
        {
            if (seen[p])
            {
                continue;
            }
            var plan = plans[p];
            if (plan.Min > 0 && !(plan.Name == "value" && node.Type.IsPrimitive && node.Value is not null))
            {
                Missing(node, plan, plan.Min, sliceName: null);
            }
            foreach (var slice in plan.Slices)
            {
                if (slice.Min > 0)
                {
                    Missing(node, plan, slice.Min, slice.SliceName);
                }
            }
        }
    }

    private void Missing(ElementNode node, ElementPlan plan, int min, string? sliceName)
    {
        var name = plan.IsChoice ? plan.Name + "[x]" : plan.Name;
        var what = sliceName is null ? $"'{plan.Path}'" : $"slice '{sliceName}' of '{plan.Path}'";
        Add(IssueSeverity.Error, IssueType.Required, $"{what}: minimum required = {min}, but only found 0.", node.Location + "." + name);
    }

    private void Cardinality(ElementNode parent, ElementPlan plan, int count, ElementNode first)
    {
        if (count < plan.Min)
        {
            Add(IssueSeverity.Error, IssueType.Required, $"'{plan.Path}': minimum required = {plan.Min}, but only found {count}.", first);
        }
        else if (count > plan.Max)
        {
            Add(IssueSeverity.Error, IssueType.Structure,
                plan.Max == 0 ? $"'{plan.Path}' is not allowed (max = 0)." : $"'{plan.Path}': maximum allowed = {plan.Max}, but found {count}.",
                first);
        }
    }

    /// <summary>Checks that a node's type is one the element allows (choice elements and resources), and reference targets.</summary>
    private void Type(ElementNode node, ElementPlan plan, ResourceScope scope)
    {
        var types = plan.Types;
        if (types.Length == 0)
        {
            return;
        }
        TypeRule? rule = null;
        if (plan.IsChoice || node.IsResource || types.Length > 1)
        {
            var typeName = node.Type.Name;
            foreach (var candidate in types)
            {
                if (candidate.Code == typeName || (node.IsResource && node.Type.IsA(candidate.Code)))
                {
                    rule = candidate;
                    break;
                }
            }
            if (rule is null)
            {
                Add(IssueSeverity.Error, IssueType.Structure,
                    $"The type '{typeName}' is not allowed for '{plan.Path}' (allowed: {AllowedTypes(types)}).", node);
                return;
            }
        }
        else
        {
            rule = types[0];
        }
        if ((rule.TargetProfiles.Length > 0 || rule.Aggregation.Length > 0) && node.Type.Name == "Reference")
        {
            Reference(node, rule, plan, scope);
        }
    }

    private static string AllowedTypes(TypeRule[] types)
    {
        var names = new string[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            names[i] = types[i].Code;
        }
        return string.Join(", ", names);
    }

    /// <summary>Validates a node against the profiles its element's type names (a value of a profiled data type); one of them must fit.</summary>
    private void TypeProfiles(ElementNode node, ElementPlan element, ResourceScope scope)
    {
        foreach (var type in element.Types)
        {
            if (type.Profiles.Length == 0 || type.Code == "Extension" || (type.Code != node.Type.Name && !node.Type.IsA(type.Code)))
            {
                // Extensions are checked against the definition their URL names.
                continue;
            }
            StructurePlan? only = null;
            var fits = false;
            var known = 0;
            foreach (var url in type.Profiles)
            {
                var plan = Plans.Get(url);
                if (plan is null)
                {
                    continue;
                }
                known++;
                only = plan;
                if (type.Profiles.Length > 1 && ConformsQuietly(node, plan, scope))
                {
                    fits = true;
                    break;
                }
            }
            if (known == 0)
            {
                Add(Options.UnknownProfileSeverity, IssueType.NotSupported,
                    $"Profile '{type.Profiles[0]}' of '{element.Path}' is not known, so the value was not checked against it.", node);
            }
            else if (type.Profiles.Length == 1 && only is not null)
            {
                if (node.IsResource)
                {
                    if (only.IsConstraint)
                    {
                        Element(node, only.Root, Mode.Profile, new ResourceScope(node, node, _core), typeConstraintsDone: null);
                    }
                }
                else if (only.IsConstraint)
                {
                    Element(node, only.Root, Mode.Profile, scope, typeConstraintsDone: null);
                }
            }
            else if (!fits && known < type.Profiles.Length)
            {
                // A profile that cannot be read might be the one the value was made for: it cannot be held against it.
                Add(Options.UnknownProfileSeverity, IssueType.NotSupported,
                    $"The value of '{element.Path}' conforms to none of the known profiles among {string.Join(", ", type.Profiles)}; the others are not known, so it was not checked against them.", node);
            }
            else if (!fits)
            {
                Add(IssueSeverity.Error, IssueType.Structure,
                    $"The value of '{element.Path}' does not conform to any of the profiles {string.Join(", ", type.Profiles)}.", node);
            }
            return;
        }
    }

    private void Constraints(ElementNode node, ConstraintPlan[] constraints, ConstraintPlan[]? skip, ResourceScope scope)
    {
        foreach (var constraint in constraints)
        {
            if ((skip is not null && Contains(skip, constraint.Key)) || (constraint.BestPractice && !Options.CheckBestPractice))
            {
                continue;
            }
            bool? holds;
            switch (constraint.Native)
            {
                case NativeInvariant.HasValueOrChildren:
                    holds = node.Value is not null || HasChildOtherThanId(node);
                    break;
                case NativeInvariant.ExtensionOrValue:
                    holds = (node.Child("extension") is not null) != (node.Child("value") is not null);
                    break;
                case NativeInvariant.ContainedOnly when node.Child("contained") is null:
                    holds = true;
                    break;
                default:
                    if (constraint.Compiled is null)
                    {
                        Add(IssueSeverity.Warning, IssueType.Processing,
                            $"Constraint {constraint.Key} could not be checked: its expression does not compile ({constraint.CompileError}).", node);
                        continue;
                    }
                    try
                    {
                        holds = constraint.Compiled.EvaluateBoolean(node, scope.Context);
                    }
                    catch (FhirPathException e)
                    {
                        Add(IssueSeverity.Warning, IssueType.Processing, $"Constraint {constraint.Key} could not be evaluated: {e.Message}", node);
                        continue;
                    }
                    break;
            }
            if (holds == false)
            {
                Add(constraint.Severity, IssueType.Invariant, $"Constraint failed: {constraint.Key}: '{constraint.Human}' (expression: {constraint.Expression})", node);
            }
        }
    }

    private static bool Contains(ConstraintPlan[] constraints, string key)
    {
        foreach (var c in constraints)
        {
            if (c.Key == key)
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasChildOtherThanId(ElementNode node)
    {
        foreach (var child in node.Children)
        {
            if (child.Name != "id")
            {
                return true;
            }
        }
        return false;
    }
}
