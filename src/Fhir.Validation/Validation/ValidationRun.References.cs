using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    private const string CoreBase = "http://hl7.org/fhir/StructureDefinition/";

    /// <summary>
    /// Checks a Reference against the element's target profiles: a local reference (<c>#id</c>) must name a contained
    /// resource; the target's type (from the resolved resource, <c>Reference.type</c>, or the reference's own text) must be
    /// one the element allows; a resolvable target must conform to a target profile that is not a core type.
    /// </summary>
    private void Reference(ElementNode node, TypeRule rule, ElementPlan plan, ResourceScope scope)
    {
        var reference = node.GetString("reference");
        ElementNode? target = null;
        string? targetType = null;
        if (reference is not null)
        {
            if (reference.StartsWith('#'))
            {
                target = Contained(scope, reference[1..]);
                if (target is null && reference.Length > 1)
                {
                    Add(IssueSeverity.Error, IssueType.NotFound, $"The local reference '{reference}' does not name a contained resource.", node);
                    return;
                }
                if (reference.Length == 1)
                {
                    target = scope.Container;
                }
            }
            else
            {
                target = InBundle(scope, reference) ?? Options.ReferenceResolver?.Resolve(reference, node);
            }
            targetType = target?.Type.Name ?? TypeOf(reference);
            if (rule.Aggregation.Length > 0 && !Aggregated(rule.Aggregation, reference, target, scope))
            {
                Add(IssueSeverity.Error, IssueType.Structure,
                    $"The reference '{reference}' must point to a resource {string.Join(" or ", rule.Aggregation.Select(a => a switch { "contained" => "contained in this one", "bundled" => "in the same Bundle", _ => "elsewhere" }))} (aggregation of '{plan.Path}'), and it does not.", node);
            }
        }
        targetType ??= node.GetString("type");
        if (targetType is null)
        {
            return;
        }
        var typeAllowed = false;
        StructurePlan? profileToCheck = null;
        var targetDefinition = Core.Definitions.FhirDefinitions.R4.FindType(targetType);
        foreach (var targetProfile in rule.TargetProfiles)
        {
            var targetPlan = Plans.Get(targetProfile);
            if (targetPlan is null)
            {
                continue; // an unknown target profile cannot be held against the reference
            }
            if (!targetPlan.IsConstraint)
            {
                if (targetPlan.Type == targetType || (targetDefinition is not null && targetDefinition.IsA(targetPlan.Type)))
                {
                    typeAllowed = true;
                    profileToCheck = null;
                    break;
                }
                continue;
            }
            if (targetPlan.Type == targetType)
            {
                typeAllowed = true;
                profileToCheck ??= targetPlan;
            }
        }
        if (!typeAllowed && !AnyKnown(rule.TargetProfiles))
        {
            return;
        }
        if (!typeAllowed && rule.TargetProfiles.FirstOrDefault(p => Plans.Get(p) is null) is { } unknown)
        {
            // An unknown target profile may well be a profile of this type (an IG's profile on Practitioner whose package is
            // not loaded): the reference is not refused on a guess, and the warning says what could not be checked.
            Add(IssueSeverity.Warning, IssueType.NotFound,
                $"A reference to a {targetType} matches none of the known target profiles of '{plan.Path}'; the target profile '{unknown}' is not known, so the reference could not be checked.", node);
            return;
        }
        if (!typeAllowed)
        {
            Add(IssueSeverity.Error, IssueType.Structure,
                $"A reference to a {targetType} is not allowed for '{plan.Path}' (allowed targets: {string.Join(", ", rule.TargetProfiles)}).", node);
            return;
        }
        if (profileToCheck is { IsConstraint: true } && target is not null && target.Children.Count > 0 && !ConformsQuietly(target, profileToCheck, scope))
        {
            Add(IssueSeverity.Error, IssueType.Structure,
                $"The referenced {targetType} does not conform to the target profile '{profileToCheck.Url}'.", node);
        }
    }

    /// <summary>Whether a reference's target is where the element's aggregation modes allow.</summary>
    private bool Aggregated(string[] modes, string reference, ElementNode? target, ResourceScope scope)
    {
        foreach (var mode in modes)
        {
            switch (mode)
            {
                case "referenced":
                    return true;
                case "contained" when reference.StartsWith('#') && target is not null:
                    return true;
                case "bundled" when !reference.StartsWith('#') && InBundle(scope, reference) is not null:
                    return true;
            }
        }
        return false;
    }

    private bool AnyKnown(string[] urls)
    {
        foreach (var url in urls)
        {
            if (Plans.Get(url) is not null)
            {
                return true;
            }
        }
        return false;
    }

    private static ElementNode? Contained(ResourceScope scope, string id)
    {
        foreach (var child in scope.Container.ChildrenNamed("contained"))
        {
            if (child.Child("id")?.Value is string cid && cid == id)
            {
                return child;
            }
        }
        return null;
    }

    /// <summary>The resource type a literal reference names (<c>Patient/1</c>, <c>http://x/fhir/Patient/1/_history/2</c>), or null.</summary>
    internal static string? TypeOf(string reference)
    {
        if (reference.StartsWith("urn:", StringComparison.Ordinal) || reference.Contains('?', StringComparison.Ordinal))
        {
            return null;
        }
        var path = reference;
        var history = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            path = path[..history];
        }
        var idSlash = path.LastIndexOf('/');
        if (idSlash <= 0)
        {
            return null;
        }
        var typeSlash = path.LastIndexOf('/', idSlash - 1);
        var type = path[(typeSlash + 1)..idSlash];
        return Core.Definitions.FhirDefinitions.R4.IsResourceType(type) ? type : null;
    }
}
