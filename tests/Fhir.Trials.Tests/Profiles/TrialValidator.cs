using Fhir.Core.Model;
using Fhir.Validation;
using Fhir.Validation.Conformance;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>The project's validator over the trial's <c>profiles/</c> folder, loaded once: what vouches for generated data.</summary>
public static class TrialValidator
{
    private static readonly Lazy<ResourceValidator> Validator = new(() =>
        new ResourceValidator(new ConformanceSetBuilder().AddDefinitions(ProfilesFolder.Root).Build()));

    /// <summary>The errors of <paramref name="resource"/> against its base definition and declared profiles, as text.</summary>
    public static IEnumerable<string> Errors(ElementNode resource) =>
        Validator.Value.Validate(resource).Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}");
}
