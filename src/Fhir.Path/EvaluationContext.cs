using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path.Services;

namespace Fhir.Path;

/// <summary>
/// What an evaluation may draw on besides its input: the environment variables (<c>%resource</c>,
/// <c>%rootResource</c>, <c>%context</c> and any others), reference resolution, terminology, profiles,
/// the definitions, a clock and a trace sink. Immutable; share one per request or per thread as convenient.
/// </summary>
public sealed class EvaluationContext
{
    private ITerminologyService? _terminology;
    private IProfileValidator? _profiles;

    /// <summary>A context with the R4 definitions and nothing else.</summary>
    public static EvaluationContext Default { get; } = new();

    /// <summary><c>%resource</c>: the resource holding the input; when null, the nearest resource at or above the input.</summary>
    public ElementNode? Resource { get; init; }

    /// <summary><c>%rootResource</c>: the container of <see cref="Resource"/> when it is contained; when null, the top-most resource above the input.</summary>
    public ElementNode? RootResource { get; init; }

    /// <summary>
    /// Further environment variables by name without the <c>%</c>: values are an <see cref="ElementNode"/>, a system
    /// value (bool, int, long, decimal, string, FhirPathDate...), a sequence of those, or null for the empty collection.
    /// They take precedence over the built-in names.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }

    /// <summary>Resolves references that are not contained and not in the enclosing Bundle; null to leave them unresolved.</summary>
    public IReferenceResolver? Resolver { get; init; }

    /// <summary>The terminology service for <c>memberOf()</c>; by default the value sets and code systems of <see cref="Definitions"/>.</summary>
    public ITerminologyService Terminology
    {
        get => _terminology ??= LocalTerminologyService.For(Definitions);
        init => _terminology = value;
    }

    /// <summary>Checks <c>conformsTo()</c>; by default against the StructureDefinitions of <see cref="Definitions"/>.</summary>
    public IProfileValidator ProfileValidator
    {
        get => _profiles ??= DefinitionsProfileValidator.For(Definitions);
        init => _profiles = value;
    }

    /// <summary>The definitions used for types and profiles (R4 core by default).</summary>
    public FhirDefinitions Definitions { get; init; } = FhirDefinitions.R4;

    /// <summary>Receives <c>trace(name)</c> output: the name and the traced collection. Null to discard.</summary>
    public Action<string, IReadOnlyList<object>>? Trace { get; init; }

    /// <summary>The moment <c>now()</c>, <c>today()</c> and <c>timeOfDay()</c> report; null for the system clock (read once per evaluation).</summary>
    public DateTimeOffset? Now { get; init; }
}
