using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Fhir.Testing;
using Fhir.Trials.Generation;
using Fhir.Views.Input;
using Fhir.Views.Output;

namespace Fhir.Views.Tests.TrialViews;

/// <summary>
/// The example views of <c>profiles/views/</c> on a generated trial: each runs and gives the rows that the generated
/// Bundles, read directly as JSON, say it should.
/// </summary>
public sealed class TrialViewTests : IClassFixture<TrialViewTests.Trial>
{
    private readonly Trial _trial;

    public TrialViewTests(Trial trial) => _trial = trial;

    /// <summary>A small trial written once for the class, and its resources by type as JSON.</summary>
    public sealed class Trial : IDisposable
    {
        public Trial()
        {
            Folder = Directory.CreateTempSubdirectory("trial-views-").FullName;
            Generated = TrialGenerator.Write(new TrialGeneratorOptions { Patients = 30, Seed = 5 }, Folder);
            foreach (var bundle in Generated.Bundles)
            {
                foreach (var entry in JsonNode.Parse(bundle.Json)!["entry"]!.AsArray())
                {
                    var resource = entry!["resource"]!;
                    var id = (string?)resource["id"] ?? ((string)entry["fullUrl"]!)["urn:uuid:".Length..];
                    Resources.Add(((string)resource["resourceType"]!, id, resource));
                }
            }
        }

        public string Folder { get; }

        public GeneratedTrial Generated { get; }

        public List<(string Type, string Id, JsonNode Json)> Resources { get; } = [];

        public IEnumerable<(string Id, JsonNode Json)> OfType(string type) => Resources.Where(r => r.Type == type).Select(r => (r.Id, r.Json));

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    private async Task<List<JsonObject>> Rows(string view)
    {
        var definition = Views.Compile(await File.ReadAllTextAsync(Path(view)));
        using var output = new MemoryStream();
        await using (var writer = RowWriter.Create(ViewOutputFormat.Json, output))
        {
            var result = await ViewRunner.RunAsync(definition, ResourceFiles.ReadAsync(ResourceFiles.Find([_trial.Folder])), writer);
            Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => i.Message)));
            Assert.Equal(0, result.Unreadable);
        }
        return [.. JsonNode.Parse(output.ToArray())!.AsArray().Select(r => r!.AsObject())];
    }

    private static string Path(string view) => System.IO.Path.Combine(Repository.Root, "profiles", "views", view);

    private static string Reference(JsonNode? reference) => ((string)reference!["reference"]!).Split(':', '/')[^1];

    [Fact]
    public async Task Patients_gives_one_row_per_screened_patient_with_death_dates()
    {
        var rows = await Rows("patients.json");
        Assert.Equal(_trial.Generated.Summary.Screened, rows.Count);
        foreach (var (id, patient) in _trial.OfType("Patient"))
        {
            var row = rows.Single(r => (string)r["patient_id"]! == id);
            Assert.Equal((string)patient["gender"]!, (string)row["gender"]!);
            Assert.Equal((string)patient["birthDate"]!, (string)row["birth_date"]!);
            Assert.Equal((string?)patient["deceasedDateTime"], (string?)row["death_date"]);
        }
        Assert.Equal(_trial.Generated.Summary.Deaths, rows.Count(r => r["death_date"] is not null));
    }

    [Fact]
    public async Task Participants_gives_arm_status_and_dates_and_joins_to_patients()
    {
        var rows = await Rows("participants.json");
        var patients = (await Rows("patients.json")).Select(r => (string)r["patient_id"]!).ToHashSet();
        // One row per participation: the generator's registry study shares some of the basket study's patients.
        Assert.Equal(_trial.OfType("ResearchSubject").Count(), rows.Count);
        foreach (var (id, subject) in _trial.OfType("ResearchSubject"))
        {
            var row = rows.Single(r => (string)r["participant_id"]! == id);
            Assert.Equal(Reference(subject["individual"]), (string)row["patient_id"]!);
            Assert.Contains((string)row["patient_id"]!, patients);
            Assert.Equal((string)subject["assignedArm"]!, (string)row["arm"]!);
            Assert.Equal((string)subject["period"]!["start"]!, (string)row["first_dose"]!);
        }
    }

    [Fact]
    public async Task Genomic_results_give_the_mdm2_copy_number_and_tp53_status()
    {
        var rows = await Rows("genomic-results.json");
        var assessments = _trial.OfType("Observation").Where(o => o.Json["code"]!["coding"]![0]!["code"]!.GetValue<string>() == "69548-6").ToList();
        Assert.Equal(assessments.Count, rows.Count);
        foreach (var (id, observation) in assessments)
        {
            var row = rows.Single(r => (string)r["observation_id"]! == id);
            var components = observation["component"]!.AsArray();
            var gene = (string)components.Single(c => (string)c!["code"]!["coding"]![0]!["code"]! == "48018-6")!["valueCodeableConcept"]!["coding"]![0]!["code"]!;
            Assert.Equal(gene, (string)row["gene_code"]!);
            var copyNumber = components.SingleOrDefault(c => (string)c!["code"]!["coding"]![0]!["code"]! == "82155-3")?["valueQuantity"]?["value"];
            Assert.Equal(copyNumber?.GetValue<decimal>(), row["copy_number"]?.GetValue<decimal>());
            Assert.Equal((string)observation["valueCodeableConcept"]!["coding"]![0]!["code"]!, (string)row["variant_code"]!);
        }
        Assert.Contains(rows, r => (string)r["gene"]! == "MDM2" && r["copy_number"] is not null);
        Assert.Contains(rows, r => (string)r["gene"]! == "TP53" && r["copy_number"] is null);
    }

    [Fact]
    public async Task Tumour_responses_and_best_responses_count_the_confirmed_responders()
    {
        var rows = await Rows("tumour-responses.json");
        var responses = _trial.OfType("Observation")
            .Where(o => (string?)o.Json["code"]!["coding"]![0]!["system"] == "http://trials.example.org/fhir/CodeSystem/response-assessment"
                && (string)o.Json["code"]!["coding"]![0]!["code"]! != "prior-line-ttp").ToList();
        Assert.Equal(responses.Count, rows.Count);
        foreach (var (id, observation) in responses)
        {
            var row = rows.Single(r => (string)r["observation_id"]! == id);
            Assert.Equal((string)observation["valueCodeableConcept"]!["coding"]![0]!["code"]!, (string)row["response"]!);
            Assert.Equal(Reference(observation["focus"]![0]), (string)row["participant_id"]!);
        }
        var best = await Rows("best-responses.json");
        Assert.Equal(rows.Count(r => (string)r["assessment"]! == "best-overall-response"), best.Count);
        Assert.Equal(_trial.Generated.Summary.ConfirmedResponders, best.Count(r => (bool)r["objective_response"]!));
    }

    [Fact]
    public async Task Adverse_events_carry_their_ctcae_grade_as_a_number()
    {
        var rows = await Rows("adverse-events.json");
        Assert.Equal(_trial.Generated.Summary.AdverseEvents, rows.Count);
        // The NCIt concepts of CTCAE grades 1 to 5 (profiles/README.md).
        var grades = new Dictionary<string, int> { ["C41338"] = 1, ["C41339"] = 2, ["C41340"] = 3, ["C41337"] = 4, ["C48275"] = 5 };
        foreach (var (id, adverseEvent) in _trial.OfType("AdverseEvent"))
        {
            var row = rows.Single(r => (string)r["adverse_event_id"]! == id);
            var extensions = adverseEvent["extension"]!.AsArray();
            var code = (string)extensions.Single(e => ((string)e!["url"]!).EndsWith("/ctcae-grade", StringComparison.Ordinal))!["valueCodeableConcept"]!["coding"]![0]!["code"]!;
            Assert.Equal(grades[code], (int)row["grade"]!);
            Assert.Equal((string)adverseEvent["seriousness"]!["coding"]![0]!["code"]! == "serious", (bool)row["serious"]!);
            Assert.Equal(Reference(extensions.Single(e => ((string)e!["url"]!).EndsWith("/research-subject", StringComparison.Ordinal))!["valueReference"]), (string)row["participant_id"]!);
        }
    }

    [Fact]
    public async Task The_views_as_Parquet_join_in_DuckDB_into_per_participant_outcomes()
    {
        var files = new Dictionary<string, string>();
        foreach (var view in new[] { "participants", "best-responses", "adverse-events" })
        {
            var file = System.IO.Path.Combine(_trial.Folder, "..", $"{System.IO.Path.GetFileName(_trial.Folder)}-{view}.parquet");
            var definition = Views.Compile(await File.ReadAllTextAsync(Path(view + ".json")));
            await using (var stream = File.Create(file))
            await using (var writer = RowWriter.Create(ViewOutputFormat.Parquet, stream))
            {
                Assert.True((await ViewRunner.RunAsync(definition, ResourceFiles.ReadAsync(ResourceFiles.Find([_trial.Folder])), writer)).IsSuccess);
            }
            files[view] = file;
        }
        try
        {
            using var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT p.participant_id, b.best_response, b.objective_response, max(a.grade) AS worst_grade
                FROM read_parquet('{files["participants"]}') p
                LEFT JOIN read_parquet('{files["best-responses"]}') b USING (participant_id)
                LEFT JOIN read_parquet('{files["adverse-events"]}') a USING (participant_id)
                GROUP BY ALL
                """;
            using var reader = command.ExecuteReader();
            var participants = 0;
            var responders = 0;
            var withAdverseEvents = 0;
            while (reader.Read())
            {
                participants++;
                responders += !reader.IsDBNull(2) && reader.GetBoolean(2) ? 1 : 0;
                withAdverseEvents += reader.IsDBNull(3) ? 0 : 1;
            }
            Assert.Equal(_trial.OfType("ResearchSubject").Count(), participants);
            Assert.Equal(_trial.Generated.Summary.ConfirmedResponders, responders);
            Assert.Equal(_trial.OfType("AdverseEvent").Select(a => Reference(a.Json["extension"]!.AsArray()
                .Single(e => ((string)e!["url"]!).EndsWith("/research-subject", StringComparison.Ordinal))!["valueReference"])).Distinct().Count(), withAdverseEvents);
        }
        finally
        {
            foreach (var file in files.Values)
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void Every_example_view_compiles() =>
        Assert.All(Directory.GetFiles(System.IO.Path.Combine(Repository.Root, "profiles", "views"), "*.json"), file => Views.Compile(File.ReadAllText(file)));
}
