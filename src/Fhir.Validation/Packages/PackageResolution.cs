using Fhir.Core.Outcomes;

namespace Fhir.Validation.Packages;

/// <summary>The packages loaded for a request (the asked-for ones first, then their dependencies) and what was noticed on the way.</summary>
/// <param name="Packages">The loaded packages, in priority order.</param>
/// <param name="Issues">Unreadable files, version substitutions and missing dependencies; none of them stops loading.</param>
public sealed record PackageResolution(IReadOnlyList<FhirPackage> Packages, IReadOnlyList<Issue> Issues);
