using Fhir.Core.Json;
using Xunit.Abstractions;

namespace Fhir.Xml.Tests;

public class RoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Groups => new(OfficialPackage.Groups);

    [Theory]
    [MemberData(nameof(Groups))]
    public void Every_official_resource_goes_from_JSON_to_XML_and_back_to_the_same_tree(string group)
    {
        int count = 0, readable = 0;
        var failures = new List<string>();
        foreach (var (file, json) in OfficialPackage.Group(group))
        {
            count++;
            var xml = FhirXmlWriter.FromJson(json);
            var back = FhirXmlReader.ToJson(xml);
            if (!back.IsSuccess)
            {
                failures.Add($"{file}: {string.Join("; ", back.Issues.Take(3).Select(i => $"{i.Expression}: {i.Message}"))}");
                continue;
            }
            if (JsonTree.FirstDifference(json, back.Json, narrativeAsXml: true) is { } difference)
            {
                failures.Add($"{file}: {difference}");
                continue;
            }
            // What the JSON reader accepts as JSON, it accepts after the trip through XML.
            if (FhirJsonReader.Parse(json).IsSuccess)
            {
                var parsed = FhirJsonReader.Parse(back.Json!);
                if (!parsed.IsSuccess)
                {
                    failures.Add($"{file}: the JSON reader refuses the result: {parsed.Issues.First(i => i.IsError).Message}");
                    continue;
                }
                readable++;
            }
        }
        output.WriteLine($"{group}: {count} resources, {count - failures.Count} round-tripped, {readable} of them read by the JSON reader");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} failed:\n" + string.Join("\n", failures.Take(30)));
    }
}
