using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Trials.Generation;

namespace Fhir.Trials.Tests.Generation;

/// <summary>Generated trials shared by the tests (generation is deterministic, so caching them changes nothing).</summary>
internal static class GeneratedData
{
    private static readonly Lazy<GeneratedTrial> Small = new(() => TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 60, Seed = 7 }));
    private static readonly Lazy<GeneratedTrial> Large = new(() => TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 1500, Seed = 11 }));

    public static GeneratedTrial Trial => Small.Value;

    public static GeneratedTrial LargeTrial => Large.Value;

    /// <summary>Each bundle parsed by the strict reader.</summary>
    public static IReadOnlyList<(string File, ElementNode Bundle)> Parse(GeneratedTrial trial) =>
        [.. trial.Bundles.Select(b =>
        {
            var result = FhirJsonReader.Parse(b.Json);
            Assert.True(result.Issues.Count == 0 && result.Resource is not null, $"{b.FileName}: {string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}"))}");
            return (b.FileName, result.Resource!);
        })];

    public static IEnumerable<ElementNode> Resources(ElementNode bundle) =>
        bundle.ChildrenNamed("entry").Select(e => e.Child("resource")!);

    public static IEnumerable<ElementNode> Resources(GeneratedTrial trial, string type) =>
        Parse(trial).SelectMany(b => Resources(b.Bundle)).Where(r => r.Type.Name == type);
}
