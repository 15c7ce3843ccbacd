using System.Text.Json.Nodes;
using Fhir.Views.Output;

namespace Fhir.Views.Tests;

public sealed class ViewRunnerTests
{
    private static readonly ViewDefinition Ids = Views.Compile("""{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}""");

    private static IEnumerable<string> Patients(int count) =>
        Enumerable.Range(0, count).Select(i => $$"""{"resourceType":"Patient","id":"p{{i}}"}""");

    [Fact]
    public async Task Rows_come_out_in_input_order_across_parallel_chunks()
    {
        var input = Patients(5000).SelectMany((p, i) => i % 3 == 0 ? [p, """{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"}}"""] : new[] { p });
        var (output, result) = await Views.Run(Ids, input, ViewOutputFormat.Ndjson, new ViewRunOptions { ChunkSize = 7, MaxDegreeOfParallelism = 4 });
        var ids = System.Text.Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string)JsonNode.Parse(l)!["id"]!).ToList();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"p{i}"), ids);
        Assert.Equal(5000, result.Matched);
        Assert.Equal(5000 + 1667, result.Resources);
    }

    [Fact]
    public async Task The_limit_stops_the_run_at_that_many_rows()
    {
        var (_, result) = await Views.Run(Ids, Patients(10_000), ViewOutputFormat.Csv, new ViewRunOptions { Limit = 25, ChunkSize = 10 });
        Assert.Equal(25, result.Rows);
        Assert.True(result.Resources < 10_000);
    }

    [Fact]
    public async Task Unreadable_resources_are_skipped_and_counted()
    {
        var (_, result) = await Views.Run(Ids, ["not json", """{"resourceType":"Patient","id":"ok"}""", """{"id":"no type"}"""], ViewOutputFormat.Csv);
        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.Rows);
        Assert.Equal(2, result.Unreadable);
        Assert.Equal(2, result.Issues.Count);
    }

    [Fact]
    public async Task A_resource_that_breaks_the_view_stops_the_run_and_is_named()
    {
        var view = Views.Compile("""{"resource":"Patient","select":[{"column":[{"name":"family","path":"name.family"}]}]}""");
        var (_, result) = await Views.Run(view,
            ["""{"resourceType":"Patient","id":"one","name":[{"family":"A"}]}""", """{"resourceType":"Patient","id":"two","name":[{"family":"A"},{"family":"B"}]}"""],
            ViewOutputFormat.Csv);
        var error = Assert.Single(result.Issues, i => i.IsError);
        Assert.Contains("Patient/two", error.Message);
        Assert.Equal("ViewDefinition.select[0].column[0].path", error.Expression);
        Assert.Equal(1, result.Rows);
    }

    [Fact]
    public async Task Parsed_resources_run_on_the_callers_thread()
    {
        var nodes = Patients(3).Select(p => Core.Json.FhirJsonReader.Parse(p).Resource!);
        using var output = new MemoryStream();
        await using var writer = RowWriter.Create(ViewOutputFormat.Csv, output);
        var result = await ViewRunner.RunAsync(Ids, nodes, writer);
        Assert.Equal(3, result.Rows);
        Assert.Equal("id\np0\np1\np2\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }
}
