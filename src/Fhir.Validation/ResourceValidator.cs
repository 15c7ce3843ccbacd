using Fhir.Core.Outcomes;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Validation.Conformance;
using Fhir.Validation.Validation;

namespace Fhir.Validation;

/// <summary>
/// Validates resources against the base definition of their type, their declared profiles (<c>meta.profile</c>) and
/// any further profiles asked for: cardinality, types and reference targets, fixed and pattern values, value ranges and
/// lengths, slicing, extensions, bindings (against value sets expanded locally) and every invariant of the snapshots,
/// through contained resources and Bundle entries. Each StructureDefinition is compiled once into a cached plan.
/// Thread-safe; build one per conformance source and share it.
/// </summary>
public sealed class ResourceValidator
{
    private readonly ValidatorCore _core;

    /// <summary>Creates a validator over <paramref name="source"/>.</summary>
    /// <param name="source">Where StructureDefinitions, ValueSets and CodeSystems are found by canonical URL.</param>
    /// <param name="options">How to treat what cannot be checked; <see cref="ValidationOptions.Default"/> when null.</param>
    public ResourceValidator(IConformanceSource source, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _core = new ValidatorCore(source, options ?? ValidationOptions.Default);
    }

    /// <summary>The options the validator was built with.</summary>
    public ValidationOptions Options => _core.Options;

    /// <summary>
    /// FHIRPath's <c>conformsTo()</c> backed by this validator, to put in an <see cref="EvaluationContext"/>: a node
    /// conforms when validating it against the profile gives no errors.
    /// </summary>
    public IProfileValidator ProfileValidator => _core;

    /// <summary>FHIRPath's <c>memberOf()</c> backed by this validator's local terminology.</summary>
    public ITerminologyService TerminologyService => _core.Terminology;

    /// <summary>Every code of a ValueSet as (system, code), or null when it is unknown or not completely expandable here (token <c>:in</c> searches).</summary>
    public IReadOnlyCollection<(string System, string Code)>? ValueSetCodes(string valueSetUrl) => _core.Terminology.Codes(valueSetUrl);

    /// <summary>A code and those below (or above) it in a local CodeSystem, or null when unknown here (token <c>:below</c>/<c>:above</c> searches).</summary>
    public IReadOnlyCollection<string>? RelatedCodes(string system, string code, bool below) => _core.Terminology.Related(system, code, below);

    /// <summary>Validates a resource (a Bundle with all its entries).</summary>
    /// <param name="resource">The resource, as read by the JSON reader (whose own checks cover primitive formats).</param>
    /// <param name="extraProfiles">Profiles to check besides the declared ones (a server's required profiles, <c>$validate?profile=</c>).</param>
    public ValidationResult Validate(ElementNode resource, IReadOnlyList<string>? extraProfiles = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var run = new ValidationRun(_core);
        run.Resource(resource, container: null, extraProfiles);
        return new ValidationResult(Distinct(run.Issues));
    }

    // The same finding reached twice (a profile named by a slice and by its element) is reported once.
    private static List<Issue> Distinct(List<Issue> issues)
    {
        if (issues.Count < 2)
        {
            return issues;
        }
        var seen = new HashSet<Issue>(issues.Count);
        var result = new List<Issue>(issues.Count);
        foreach (var issue in issues)
        {
            if (seen.Add(issue))
            {
                result.Add(issue);
            }
        }
        return result;
    }

    /// <summary>
    /// Forgets what was compiled from the conformance resource at <paramref name="canonical"/> (a StructureDefinition,
    /// ValueSet or CodeSystem that was added, changed or removed), so that the next validation reads it again. Value set
    /// expansions are all dropped, since any of them may include the changed resource.
    /// </summary>
    public void Invalidate(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        _core.Plans.Invalidate(canonical);
        _core.Terminology.Clear();
    }

    /// <summary>Forgets every compiled plan and expansion (after loading a package, say).</summary>
    public void InvalidateAll()
    {
        _core.Plans.Clear();
        _core.Terminology.Clear();
    }
}
