using System.Text.Json.Nodes;
using Fhir.Views.Output;

namespace Fhir.Views.Tests.Output;

/// <summary>CSV, NDJSON and JSON output.</summary>
public sealed class TextRowWriterTests
{
    private static readonly ViewDefinition View = Views.Compile("""
        {"resource":"Patient","select":[{"column":[
          {"name":"id","path":"id"},{"name":"family","path":"name.family.first()"},{"name":"active","path":"active"},
          {"name":"given","path":"name.given","collection":true},{"name":"n","path":"name.count()"},{"name":"d","path":"1.50","type":"decimal"}]}]}
        """);

    private static readonly string[] Patients =
    [
        """{"resourceType":"Patient","id":"a","active":true,"name":[{"family":"O'Neil, \"Jr\"","given":["Ann"]}]}""",
        """{"resourceType":"Patient","id":"b"}""",
    ];

    [Fact]
    public async Task Csv_has_a_header_quotes_what_needs_it_and_leaves_nulls_empty() =>
        Assert.Equal(
            "id,family,active,given,n,d\n" +
            "a,\"O'Neil, \"\"Jr\"\"\",true,\"[\"\"Ann\"\"]\",1,1.50\n" +
            "b,,,[],0,1.50\n",
            await Views.RunText(View, Patients, ViewOutputFormat.Csv));

    [Fact]
    public async Task Ndjson_has_one_object_per_line_with_every_column()
    {
        var lines = (await Views.RunText(View, Patients, ViewOutputFormat.Ndjson)).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        Assert.Equal("""{"id":"b","family":null,"active":null,"given":[],"n":0,"d":1.50}""", lines[1]);
        Assert.Equal("O'Neil, \"Jr\"", (string)JsonNode.Parse(lines[0])!["family"]!);
    }

    [Fact]
    public async Task Json_is_one_array_of_rows()
    {
        var rows = JsonNode.Parse(await Views.RunText(View, Patients, ViewOutputFormat.Json))!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.True((bool)rows[0]!["active"]!);
        Assert.Equal("[]", rows[1]!["given"]!.ToJsonString());
    }

    [Fact]
    public async Task Json_of_no_rows_is_an_empty_array() =>
        Assert.Equal("[]", await Views.RunText(View, [], ViewOutputFormat.Json));
}
