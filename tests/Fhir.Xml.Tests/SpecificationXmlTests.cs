using System.IO.Compression;
using System.Text.Json;
using Fhir.Core.Json;
using Xunit.Abstractions;

namespace Fhir.Xml.Tests;

/// <summary>
/// The XML conformance resources Firely ships in <c>Hl7.Fhir.Specification.Data.R4</c> (<c>specification.zip</c>: ten
/// Bundles of profiles, extensions, search parameters, value sets, code systems, concept maps and naming systems): each
/// reads from XML without an issue, reads as JSON without an error, and goes to XML and back to the same tree.
/// </summary>
public class SpecificationXmlTests(ITestOutputHelper output)
{
    private static readonly string Archive = System.IO.Path.Combine(AppContext.BaseDirectory, "specification.zip");

    public static TheoryData<string> Files()
    {
        using var zip = ZipFile.OpenRead(Archive);
        return new(zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)).Select(e => e.FullName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_XML_bundle_of_the_SDK_reads_and_round_trips(string file)
    {
        byte[] xml;
        using (var zip = ZipFile.OpenRead(Archive))
        using (var stream = zip.GetEntry(file)!.Open())
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            xml = memory.ToArray();
        }
        var read = FhirXmlReader.ToJson(xml);
        Assert.True(read.IsSuccess, string.Join("\n", read.Issues.Take(10).Select(i => $"{i.Expression}: {i.Message}")));
        var parsed = FhirJsonReader.Parse(read.Json!);
        var errors = parsed.Issues.Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10).Select(i => $"{i.Expression}: {i.Message}")));

        var again = FhirXmlReader.ToJson(FhirXmlWriter.FromJson(read.Json!));
        Assert.True(again.IsSuccess, string.Join("\n", again.Issues.Take(10).Select(i => $"{i.Expression}: {i.Message}")));
        Assert.Null(JsonTree.FirstDifference(read.Json, again.Json, narrativeAsXml: true));

        using var bundle = JsonDocument.Parse(read.Json!);
        var entries = bundle.RootElement.TryGetProperty("entry", out var e) ? e.GetArrayLength() : 0;
        output.WriteLine($"{file}: {xml.Length:N0} bytes, {entries} resources");
        Assert.True(entries > 0);
    }
}
