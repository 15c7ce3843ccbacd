using System.Text;
using System.Text.Json.Nodes;
using Fhir.Views.Input;

namespace Fhir.Views.Tests.Input;

public sealed class ResourceFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("views-input-").FullName;

    [Fact]
    public void Export_files_named_after_another_type_are_left_out()
    {
        foreach (var name in new[] { "Patient.ndjson", "Observation.000.ndjson", "Observation.001.ndjson", "notes.ndjson", "ResearchSubject_1.ndjson", "readme.txt" })
        {
            File.WriteAllText(System.IO.Path.Combine(_folder, name), "");
        }
        Assert.Equal(["Observation.000.ndjson", "Observation.001.ndjson", "notes.ndjson"],
            ResourceFiles.Find([_folder], "Observation").Select(System.IO.Path.GetFileName));
        Assert.Equal(5, ResourceFiles.Find([_folder]).Count);
    }

    [Fact]
    public async Task Ndjson_lines_are_read_whatever_their_line_ends_and_blank_lines()
    {
        var file = System.IO.Path.Combine(_folder, "Patient.ndjson");
        var longName = new string('x', 3_000_000); // longer than the read buffer
        await File.WriteAllTextAsync(file, $"\uFEFF{{\"a\":1}}\r\n\n  {{\"b\":\"{longName}\"}}\n{{\"c\":3}}");
        var lines = new List<string>();
        await foreach (var line in ResourceFiles.ReadAsync([file]))
        {
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }
        Assert.Equal(3, lines.Count);
        Assert.Equal("{\"a\":1}", lines[0]);
        Assert.Equal(3_000_008, lines[1].Length);
        Assert.Equal("{\"c\":3}", lines[2]);
    }

    [Fact]
    public void Bundle_entries_without_an_id_take_the_one_of_their_urn_uuid()
    {
        var bundle = """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:11111111-2222-3333-4444-555555555555","resource":{"resourceType":"Patient","name":[{"family":"A"}]}},
              {"fullUrl":"urn:uuid:99999999-2222-3333-4444-555555555555","resource":{"resourceType":"Observation","id":"kept","status":"final","code":{"text":"x"},
                "subject":{"reference":"urn:uuid:11111111-2222-3333-4444-555555555555"}}}]}
            """;
        var resources = ResourceFiles.JsonResources(Encoding.UTF8.GetBytes(bundle)).Select(r => JsonNode.Parse(r.Span)!).ToList();
        Assert.Equal("11111111-2222-3333-4444-555555555555", (string)resources[0]["id"]!);
        Assert.Equal("A", (string)resources[0]["name"]![0]!["family"]!);
        Assert.Equal("kept", (string)resources[1]["id"]!);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
