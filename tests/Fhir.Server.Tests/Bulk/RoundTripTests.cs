extern alias cli;

using System.Text.Json;
using System.Text.Json.Nodes;
using cli::Fhir.Cli.Commands;
using cli::Fhir.Cli.Remote;
using Fhir.Server.Tests.Support;
using Fhir.Trials.Generation;
using Parquet;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// The round trip, as the README shows it: a generated trial is loaded into a server with <c>fhir import</c>, goes
/// out with a system <c>$export</c>, through the trial's views into Parquet with <c>fhir view run</c> (offline, on the
/// export's files), and back into an empty server with <c>fhir import</c>; then both servers hold the same resources, by
/// type, count and content (all but <c>meta.versionId</c> and <c>meta.lastUpdated</c>), and the views give the same rows
/// over the files as <c>ViewDefinition/$run</c> over the new server. Both stores.
/// </summary>
public abstract class RoundTripTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-roundtrip-").FullName;
    private ServerFixture _source = null!;
    private ServerFixture _target = null!;

    protected abstract ServerFixture NewServer();

    public async Task InitializeAsync()
    {
        _source = NewServer();
        _target = NewServer();
        await Task.WhenAll(_source.InitializeAsync(), _target.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        BulkSettings.Delete(_folder);
    }

    private static async Task ImportAsync(ServerFixture server, string input)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ImportCommand.RunAsync([input], "http://localhost/fhir", ServerCredentials.None, batchSize: 100, parallel: 2,
            statePath: null, reportPath: null, restart: false, stdout, stderr, CancellationToken.None, server.Client, interactive: false);
        Assert.True(exit == 0, stdout.ToString() + stderr);
    }

    // The export's files, downloaded as a Bulk Data client keeps them (one NDJSON file per manifest item, named as on the server).
    private static async Task<Dictionary<string, List<JsonElement>>> ExportAsync(ServerFixture server, string? folder)
    {
        var bulk = new BulkClient(server.Client);
        var manifest = await bulk.ExportAsync("$export");
        var byType = new Dictionary<string, List<JsonElement>>();
        foreach (var item in manifest.GetProperty("output").EnumerateArray())
        {
            var url = item.GetProperty("url").GetString()!;
            var lines = await bulk.DownloadAsync(url);
            if (folder is not null)
            {
                await File.WriteAllLinesAsync(System.IO.Path.Combine(folder, url[(url.LastIndexOf('/') + 1)..]), lines.Select(l => l.GetRawText()));
            }
            var type = item.GetProperty("type").GetString()!;
            if (!byType.TryGetValue(type, out var list))
            {
                byType[type] = list = [];
            }
            list.AddRange(lines);
        }
        return byType;
    }

    // A resource as content: without the version and time the storing server gave it.
    private static string Content(JsonElement resource)
    {
        var node = JsonNode.Parse(resource.GetRawText())!.AsObject();
        if (node["meta"] is JsonObject meta)
        {
            meta.Remove("versionId");
            meta.Remove("lastUpdated");
            if (meta.Count == 0)
            {
                node.Remove("meta");
            }
        }
        return node.ToJsonString();
    }

    [Fact]
    public async Task A_whole_trial_goes_out_with_export_through_views_into_parquet_and_back_into_an_empty_server_losing_nothing()
    {
        var trialFolder = Directory.CreateDirectory(System.IO.Path.Combine(_folder, "trial")).FullName;
        var exportFolder = Directory.CreateDirectory(System.IO.Path.Combine(_folder, "export")).FullName;
        var trial = TrialGenerator.Write(new TrialGeneratorOptions { Patients = 16, Seed = 7 }, trialFolder);
        await ImportAsync(_source, trialFolder);

        var exported = await ExportAsync(_source, exportFolder);
        Assert.Equal(trial.Summary.Resources, exported.Values.Sum(v => v.Count));

        // Through the trial's views into Parquet, offline, on the export's files.
        var views = System.IO.Path.Combine(Repository.Root, "profiles", "views");
        var rows = new Dictionary<string, long>();
        foreach (var view in Directory.GetFiles(views, "*.json"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(view);
            var parquet = System.IO.Path.Combine(_folder, name + ".parquet");
            var stderr = new StringWriter();
            var exit = await ViewCommand.RunAsync(view, [exportFolder], null, parquet, null, ServerCredentials.None, new StringWriter(), stderr, CancellationToken.None);
            Assert.True(exit == 0, stderr.ToString());
            await using var stream = File.OpenRead(parquet);
            await using var reader = await ParquetReader.CreateAsync(stream);
            long count = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                count += group.RowCount;
            }
            rows[name] = count;
        }
        Assert.Equal(exported["Patient"].Count, rows["patients"]);
        Assert.Equal(exported["ResearchSubject"].Count, rows["participants"]);
        Assert.True(rows["adverse-events"] > 0 && rows["genomic-results"] > 0 && rows["tumour-responses"] > 0);

        // Back into an empty server.
        await ImportAsync(_target, exportFolder);
        var reimported = await ExportAsync(_target, null);

        Assert.Equal(exported.Keys.Order(), reimported.Keys.Order());
        foreach (var (type, resources) in exported)
        {
            var before = resources.ToDictionary(r => r.Id(), Content);
            var after = reimported[type].ToDictionary(r => r.Id(), Content);
            Assert.Equal(before.Count, after.Count);
            foreach (var (id, content) in before)
            {
                Assert.True(after.TryGetValue(id, out var again), $"{type}/{id} did not come back.");
                Assert.Equal(content, again);
            }
        }

        // The views over the new server give what they gave over the files.
        foreach (var (name, count) in rows)
        {
            using var response = await _target.Client.GetAsync($"ViewDefinition/{name}/$run?_format=ndjson");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(count, (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}

public sealed class RoundTripTestsOnSqlite : RoundTripTests
{
    protected override ServerFixture NewServer() => new BulkSqliteServer();
}

public sealed class RoundTripTestsOnPostgres : RoundTripTests
{
    protected override ServerFixture NewServer() => new BulkPostgresServer();
}
