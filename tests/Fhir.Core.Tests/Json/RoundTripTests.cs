using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Xunit.Abstractions;

namespace Fhir.Core.Tests.Json;

public class RoundTripTests(ITestOutputHelper output)
{
    /// <summary>
    /// Official resources the reader rejects, each with the one error it must give and why. They stay
    /// listed rather than loosening the reader; the theory fails if one of them starts to read cleanly.
    /// </summary>
    private static readonly Dictionary<string, (string Expression, IssueType Code, string Reason)> KnownExceptions = new()
    {
        ["SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json"] = (
            "SearchParameter.id", IssueType.Value,
            "the id 'questionnaireresponse-extensions-QuestionnaireResponse-item-subject' has 67 characters; an id has at most 64"),
    };

    public static TheoryData<string> Groups => new(OfficialPackage.Groups);

    [Theory]
    [MemberData(nameof(Groups))]
    public void Every_official_resource_reads_without_error_and_writes_back_the_same_JSON(string group)
    {
        int parsed = 0, roundTripped = 0, exceptions = 0;
        var failures = new List<string>();
        foreach (var (file, json) in OfficialPackage.Group(group))
        {
            var result = FhirJsonReader.Parse(json);
            var errors = result.Issues.Where(i => i.IsError).ToList();
            if (KnownExceptions.TryGetValue(file, out var known))
            {
                if (errors is [var only] && only.Expression == known.Expression && only.Code == known.Code)
                {
                    exceptions++;
                    output.WriteLine($"  known exception {file}: {known.Reason}");
                }
                else
                {
                    failures.Add($"{file}: expected exactly one {known.Code} error at {known.Expression}, got {Describe(errors)}");
                }
                continue;
            }
            if (errors.Count > 0 || result.Resource is null)
            {
                failures.Add($"{file}: {Describe(errors)}");
                continue;
            }
            parsed++;
            var written = FhirJsonWriter.Serialize(result.Resource);
            if (JsonTree.FirstDifference(json, written) is { } difference)
            {
                failures.Add($"{file}: {difference}");
                continue;
            }
            // Canonical output is stable: reading it and writing it again changes no byte.
            var again = FhirJsonReader.Parse(written);
            if (!again.IsSuccess || !FhirJsonWriter.Serialize(again.Resource!).AsSpan().SequenceEqual(written))
            {
                failures.Add($"{file}: writing the output again gives other bytes");
                continue;
            }
            roundTripped++;
        }
        output.WriteLine($"{group}: {parsed} parsed, {roundTripped} round-tripped, {exceptions} known exceptions");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(30)));
        Assert.True(parsed > 0);
    }

    [Fact]
    public void The_groups_hold_the_whole_package_and_every_listed_exception_is_in_it()
    {
        var files = OfficialPackage.Groups.SelectMany(g => OfficialPackage.Group(g).Select(r => r.File)).ToList();
        output.WriteLine($"{files.Count} resources: {OfficialPackage.Group(OfficialPackage.Examples).Count()} examples, {FhirDefinitions.R4.Entries.Count} conformance");
        Assert.Equal(820 + 4486, files.Count);
        Assert.All(KnownExceptions.Keys, file => Assert.Contains(file, files));
    }

    private static string Describe(List<Issue> errors) =>
        errors.Count == 0 ? "no error" : string.Join("; ", errors.Take(3).Select(e => $"{e.Code} at {e.Expression}: {e.Message}"));
}
