using Fhir.Core.Json;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>
/// The 729 official R4 example instances validated against the base definitions: each must pass, unless it is on the
/// known list (<c>Data/r4-example-failures.tsv</c>, each with whose fault it is), in which case it must fail. A new
/// failure or a new pass both break the test, so that any change in the validator's verdicts is seen.
/// </summary>
public class R4ExampleTests
{
    private static readonly Lazy<Dictionary<string, string>> KnownFailures = new(() =>
        File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "Validation", "Data", "r4-example-failures.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1] + ": " + p[2], StringComparer.Ordinal));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var (file, _) in R4Examples.All)
        {
            data.Add(file);
        }
        return data;
    }

    [Fact]
    public void The_archive_holds_729_example_instances()
    {
        Assert.Equal(729, R4Examples.All.Count);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void An_official_example_passes_unless_it_is_a_known_failure(string file)
    {
        var parsed = FhirJsonReader.Parse(R4Examples.Read(file));
        Assert.NotNull(parsed.Resource);
        var result = V.Core.Validate(parsed.Resource!);
        if (KnownFailures.Value.TryGetValue(file, out var reason))
        {
            Assert.True(result.HasErrors, $"{file} is listed as failing ({reason}) but now passes.");
        }
        else
        {
            Assert.False(result.HasErrors, $"{file} fails:\n" + V.Show(result.Issues.Where(i => i.IsError).Take(20)));
        }
    }
}
