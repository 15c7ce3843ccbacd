using System.Globalization;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Path;

namespace Fhir.Validation.Validation;

/// <summary>
/// Compiles a StructureDefinition snapshot into a <see cref="StructurePlan"/>: the element tree by id, slices under
/// their sliced element, constraints compiled with FHIRPath, discriminators resolved against each slice.
/// </summary>
internal static class PlanCompiler
{
    private const string CoreBase = "http://hl7.org/fhir/StructureDefinition/";
    private const string SystemTypePrefix = "http://hl7.org/fhirpath/";

    /// <summary>Compiles <paramref name="definition"/>; null when it is not a usable StructureDefinition.</summary>
    /// <param name="definition">The StructureDefinition with its snapshot.</param>
    /// <param name="corePlan">Gives the plan of a core type by name, to tell which constraints a profile inherits.</param>
    public static StructurePlan? Compile(ElementNode definition, Func<string, StructurePlan?> corePlan)
    {
        if (definition.Type.Name != "StructureDefinition" || definition.GetString("type") is not { } type
            || definition.Child("snapshot") is not { } snapshot)
        {
            return null;
        }
        var url = definition.GetString("url") ?? CoreBase + type;
        // A "specialisation" that names a core type other than its own definition is a constraint of that type (as HL7 reads it).
        var derivation = definition.GetString("derivation");
        var isConstraint = derivation == "constraint"
            || (derivation == "specialization" && url != CoreBase + type && Core.Definitions.FhirDefinitions.R4.FindType(type) is not null);
        var byId = new Dictionary<string, ElementPlan>(StringComparer.Ordinal);
        var children = new Dictionary<ElementPlan, List<ElementPlan>>(ReferenceEqualityComparer.Instance);
        ElementPlan? root = null;
        foreach (var element in snapshot.ChildrenNamed("element"))
        {
            var plan = Element(element, isConstraint, corePlan);
            byId[plan.Id] = plan;
            if (root is null)
            {
                root = plan;
                continue;
            }
            var lastDot = LastSegmentStart(plan.Id);
            var segment = plan.Id[lastDot..];
            var colon = segment.IndexOf(':');
            if (colon >= 0)
            {
                // A slice (or a reslice "a:b/c") belongs to the element it slices.
                var slash = segment.LastIndexOf('/');
                var slicedId = plan.Id[..lastDot] + (slash > colon ? segment[..slash] : segment[..colon]);
                if (byId.TryGetValue(slicedId, out var sliced))
                {
                    sliced.Slices.Add(plan);
                }
                continue;
            }
            var parentId = lastDot > 0 ? plan.Id[..(lastDot - 1)] : "";
            if (byId.TryGetValue(parentId, out var parent))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(plan);
            }
        }
        if (root is null)
        {
            return null;
        }
        foreach (var (parent, list) in children)
        {
            parent.Children = [.. list];
            parent.ChildrenByName = new Dictionary<string, ElementPlan>(list.Count, StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                list[i].Index = i;
                parent.ChildrenByName.TryAdd(list[i].Name, list[i]);
            }
        }
        foreach (var plan in byId.Values)
        {
            if (plan.ContentReference is { } reference && byId.TryGetValue(reference, out var target))
            {
                plan.Children = target.Children;
                plan.ChildrenByName = target.ChildrenByName;
            }
        }
        var contexts = new List<ExtensionContext>();
        foreach (var context in definition.ChildrenNamed("context"))
        {
            contexts.Add(new ExtensionContext(context.GetString("type") ?? "element", context.GetString("expression") ?? ""));
        }
        var structure = new StructurePlan
        {
            Url = url,
            Type = type,
            IsConstraint = isConstraint,
            Root = root,
            ById = byId,
            Contexts = ExtensionContextErrata.With(url, contexts),
            IsModifierExtension = type == "Extension" && byId.TryGetValue("Extension", out var extRoot) && extRoot.IsModifier,
        };
        foreach (var plan in byId.Values)
        {
            if (plan.Slicing is not null)
            {
                foreach (var slice in plan.Slices)
                {
                    slice.Tests = SliceTests.Build(plan.Slicing, slice);
                }
            }
        }
        return structure;
    }

    /// <summary>The start of the last dot-separated segment of an id; dots inside slice names after ':' do not count.</summary>
    private static int LastSegmentStart(string id)
    {
        var depth = 0;
        for (var i = id.Length - 1; i >= 0; i--)
        {
            var c = id[i];
            if (c == ')')
            {
                depth++;
            }
            else if (c == '(')
            {
                depth--;
            }
            else if (c == '.' && depth == 0)
            {
                return i + 1;
            }
        }
        return 0;
    }

    private static ElementPlan Element(ElementNode element, bool isConstraint, Func<string, StructurePlan?> corePlan)
    {
        var path = element.GetString("path") ?? "";
        var id = element.GetString("id") ?? path;
        var lastDot = path.LastIndexOf('.');
        var name = lastDot >= 0 ? path[(lastDot + 1)..] : path;
        var isChoice = name.EndsWith("[x]", StringComparison.Ordinal);
        if (isChoice)
        {
            name = name[..^3];
        }
        var types = new List<TypeRule>();
        var hasTypeProfiles = false;
        foreach (var type in element.ChildrenNamed("type"))
        {
            var code = type.GetString("code") ?? "";
            if (code.StartsWith(SystemTypePrefix, StringComparison.Ordinal))
            {
                code = code[SystemTypePrefix.Length..];
            }
            var profiles = Strings(type, "profile");
            foreach (var profile in profiles)
            {
                if (profile != CoreBase + code)
                {
                    hasTypeProfiles = true;
                }
            }
            types.Add(new TypeRule(code, profiles, Strings(type, "targetProfile")) { Aggregation = Strings(type, "aggregation") });
        }
        var plan = new ElementPlan
        {
            Id = id,
            Path = path,
            Name = name,
            SliceName = element.GetString("sliceName"),
            IsChoice = isChoice,
            Min = element.Child("min")?.Value is int min ? min : 0,
            Max = element.GetString("max") is { } max && max != "*" ? int.Parse(max, CultureInfo.InvariantCulture) : int.MaxValue,
            IsModifier = element.Child("isModifier")?.Value is true,
            Types = [.. types],
            HasTypeProfiles = hasTypeProfiles,
            Fixed = element.Child("fixed"),
            Pattern = element.Child("pattern"),
            MinValue = element.Child("minValue"),
            MaxValue = element.Child("maxValue"),
            MaxLength = element.Child("maxLength")?.Value is int length ? length : 0,
            Binding = Binding(element.Child("binding")),
            ContentReference = element.GetString("contentReference") is { } reference
                ? reference[(reference.IndexOf('#') + 1)..]
                : null,
        };
        plan.Slicing = Slicing(element.Child("slicing"));
        plan.Constraints = Constraints(element, plan, isConstraint, corePlan);
        return plan;
    }

    private static string[] Strings(ElementNode node, string name)
    {
        var count = 0;
        foreach (var _ in node.ChildrenNamed(name))
        {
            count++;
        }
        if (count == 0)
        {
            return [];
        }
        var result = new List<string>(count);
        foreach (var child in node.ChildrenNamed(name))
        {
            if (child.Value is string text)
            {
                result.Add(text);
            }
        }
        return [.. result];
    }

    private static BindingPlan? Binding(ElementNode? binding)
    {
        if (binding?.GetString("valueSet") is not { } valueSet)
        {
            return null;
        }
        var strength = binding.GetString("strength") switch
        {
            "required" => BindingStrength.Required,
            "extensible" => BindingStrength.Extensible,
            "preferred" => BindingStrength.Preferred,
            _ => BindingStrength.Example,
        };
        return new BindingPlan(strength, valueSet);
    }

    private static SlicingPlan? Slicing(ElementNode? slicing)
    {
        if (slicing is null)
        {
            return null;
        }
        var discriminators = new List<Discriminator>();
        foreach (var d in slicing.ChildrenNamed("discriminator"))
        {
            var type = d.GetString("type") switch
            {
                "pattern" => DiscriminatorType.Pattern,
                "type" => DiscriminatorType.Type,
                "profile" => DiscriminatorType.Profile,
                "exists" => DiscriminatorType.Exists,
                _ => DiscriminatorType.Value,
            };
            var path = d.GetString("path") ?? "$this";
            CompiledExpression? compiled = null;
            if (path != "$this" && !FhirPathCompiler.TryCompile(path, out compiled, out _))
            {
                compiled = null;
            }
            discriminators.Add(new Discriminator(type, path, compiled));
        }
        return new SlicingPlan
        {
            Discriminators = [.. discriminators],
            Ordered = slicing.Child("ordered")?.Value is true,
            Rules = slicing.GetString("rules") switch
            {
                "closed" => SlicingRules.Closed,
                "openAtEnd" => SlicingRules.OpenAtEnd,
                _ => SlicingRules.Open,
            },
        };
    }

    private static ConstraintPlan[] Constraints(ElementNode element, ElementPlan plan, bool isConstraint, Func<string, StructurePlan?> corePlan)
    {
        List<ConstraintPlan>? result = null;
        HashSet<string>? inherited = null;
        foreach (var constraint in element.ChildrenNamed("constraint"))
        {
            var key = constraint.GetString("key") ?? "";
            var expression = constraint.GetString("expression");
            if (expression is null)
            {
                continue;
            }
            if (isConstraint)
            {
                // A profile repeats the invariants of the core; validation against the base definitions checks those already.
                inherited ??= InheritedKeys(element, plan, corePlan);
                if (inherited.Contains(key))
                {
                    continue;
                }
            }
            var severity = constraint.GetString("severity") == "warning" ? IssueSeverity.Warning : IssueSeverity.Error;
            CompiledExpression? compiled = null;
            string? error = null;
            var native = NativeOf(key, expression);
            if (native == NativeInvariant.None || native == NativeInvariant.ContainedOnly)
            {
                if (!FhirPathCompiler.TryCompile(expression, out compiled, out var failure))
                {
                    error = failure?.Message;
                }
            }
            (result ??= []).Add(new ConstraintPlan
            {
                Key = key,
                Human = constraint.GetString("human") ?? key,
                Expression = expression,
                Severity = severity,
                BestPractice = IsBestPractice(constraint),
                Compiled = compiled,
                CompileError = error,
                Native = native,
            });
        }
        return result is null ? [] : [.. result];
    }

    private const string BestPracticeExtension = "http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice";

    private static bool IsBestPractice(ElementNode constraint) =>
        constraint.ChildrenNamed("extension").Any(e => e.GetString("url") == BestPracticeExtension && e.Child("value") is { Value: true });

    private static NativeInvariant NativeOf(string key, string expression) => (key, expression) switch
    {
        ("ele-1", "hasValue() or (children().count() > id.count())") => NativeInvariant.HasValueOrChildren,
        ("ext-1", "extension.exists() != value.exists()") => NativeInvariant.ExtensionOrValue,
        _ when expression.StartsWith("contained.", StringComparison.Ordinal) => NativeInvariant.ContainedOnly,
        _ => NativeInvariant.None,
    };

    private static HashSet<string> InheritedKeys(ElementNode element, ElementPlan plan, Func<string, StructurePlan?> corePlan)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { "ele-1" };
        var basePath = element.Child("base")?.GetString("path") ?? plan.Path;
        var dot = basePath.IndexOf('.');
        var owner = dot < 0 ? basePath : basePath[..dot];
        if (corePlan(owner) is { } core && core.ById.TryGetValue(basePath, out var baseElement))
        {
            foreach (var c in baseElement.Constraints)
            {
                keys.Add(c.Key);
            }
        }
        foreach (var type in plan.Types)
        {
            if (type.Code.Length > 0 && !type.Code.Contains('.', StringComparison.Ordinal) && corePlan(type.Code) is { } typePlan)
            {
                foreach (var c in typePlan.Root.Constraints)
                {
                    keys.Add(c.Key);
                }
            }
        }
        return keys;
    }
}
