using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Conformance;

public sealed class ConformanceSetTests
{
    private static ConformanceSet Chain(TempFolder temp)
    {
        temp.Write("a/obs-a.json", Profiles.ObsA);
        temp.Write("b/obs-b.json", Profiles.ObsB);
        temp.Write("grade.json", Profiles.Grade);
        return new ConformanceSetBuilder().AddDefinitions(temp.Path).Build();
    }

    [Fact]
    public void A_profile_on_a_profile_gets_a_snapshot_with_the_constraints_of_both()
    {
        using var temp = new TempFolder();
        var set = Chain(temp);

        Assert.Empty(set.LoadIssues);
        var b = Profiles.SnapshotById(set.Find(Profiles.Base + "obs-b")!);
        Assert.Equal(1, b["Observation.subject"]["min"]!.GetValue<int>()); // from obs-a
        Assert.True(b["Observation.subject"]["mustSupport"]!.GetValue<bool>());
        Assert.Equal("pattern", b["Observation.component"]["slicing"]!["discriminator"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(1, b["Observation.component:copyNumber"]["min"]!.GetValue<int>()); // narrowed by obs-b
        Assert.Equal("1", b["Observation.component:copyNumber"]["max"]!.GetValue<string>()); // from obs-a
        Assert.Equal("82155-3", b["Observation.component:copyNumber.code"]["patternCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(["Quantity"], Profiles.TypeCodes(b["Observation.component:copyNumber.value[x]"]));
        Assert.Equal(1, b["Observation.component:copyNumber.value[x].value"]["min"]!.GetValue<int>());
        var keys = b["Observation.component:copyNumber.value[x]"]["constraint"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()).ToList();
        Assert.Contains("ele-1", keys);
        Assert.Contains("cn-1", keys);
        Assert.Equal("1", b["Observation.extension:grade"]["max"]!.GetValue<string>()); // from the extension's definition
        Assert.Equal("The grade", b["Observation.extension:grade"]["short"]!.GetValue<string>());
    }

    [Fact]
    public void Versioned_canonicals_resolve_only_to_their_version()
    {
        using var temp = new TempFolder();
        var set = Chain(temp);

        Assert.NotNull(set.Find(Profiles.Base + "obs-a|1.0.0"));
        Assert.NotNull(set.Find(Profiles.Base + "obs-a"));
        Assert.Null(set.Find(Profiles.Base + "obs-a|2.0.0"));
        Assert.NotNull(set.Find("http://hl7.org/fhir/StructureDefinition/Observation|4.0.1"));
    }

    [Fact]
    public void A_broken_differential_is_a_load_error_naming_the_file_and_the_element_and_the_rest_still_loads()
    {
        using var temp = new TempFolder();
        temp.Write("obs-a.json", Profiles.ObsA);
        var broken = temp.Write("broken.json", Profiles.ObsA.Replace("\"id\":\"obs-a\"", "\"id\":\"broken\"").Replace("obs-a\",\"version", "broken\",\"version")
            .Replace("\"Observation.subject\",\"path\":\"Observation.subject\",\"min\":1", "\"Observation.subjekt\",\"path\":\"Observation.subjekt\",\"min\":1"));

        var set = new ConformanceSetBuilder().AddDefinitions(temp.Path).Build();

        var error = Assert.Single(set.LoadIssues);
        Assert.True(error.IsError);
        Assert.Contains(broken, error.Message, StringComparison.Ordinal);
        Assert.Contains("'Observation.subjekt'", error.Message, StringComparison.Ordinal);
        Assert.Null(set.Find(Profiles.Base + "broken"));
        Assert.NotNull(set.Find(Profiles.Base + "obs-a"));
    }

    [Fact]
    public void Resources_added_at_run_time_win_bump_the_version_and_raise_Changed()
    {
        using var temp = new TempFolder();
        var set = Chain(temp);
        var changes = 0;
        set.Changed += (_, _) => changes++;
        var before = set.Version;
        var replacement = FhirJsonReader.Parse(Profiles.ObsA.Replace("\"mustSupport\":true", "\"mustSupport\":false")).Resource!;

        Assert.Empty(set.Add(replacement));

        Assert.Equal(before + 1, set.Version);
        Assert.Equal(1, changes);
        Assert.False(Profiles.SnapshotById(set.Find(Profiles.Base + "obs-a")!)["Observation.subject"]["mustSupport"]!.GetValue<bool>());
        Assert.True(set.Remove(Profiles.Base + "obs-a"));
        Assert.True(Profiles.SnapshotById(set.Find(Profiles.Base + "obs-a")!)["Observation.subject"]["mustSupport"]!.GetValue<bool>());
        Assert.Equal(before + 2, set.Version);
        Assert.False(set.Remove(Profiles.Base + "obs-a"));
    }

    [Fact]
    public void A_broken_StructureDefinition_added_at_run_time_is_refused_with_its_errors_and_changes_nothing()
    {
        using var temp = new TempFolder();
        var set = Chain(temp);
        var widened = FhirJsonReader.Parse(Profiles.ObsB.Replace("\"sliceName\":\"copyNumber\",\"min\":1", "\"sliceName\":\"copyNumber\",\"max\":\"2\"")).Resource!;

        var issues = set.Add(widened);

        Assert.Contains(issues, i => i.IsError && i.Message.Contains("Observation.component:copyNumber", StringComparison.Ordinal) && i.Message.Contains("widens", StringComparison.Ordinal));
        Assert.Equal(0, set.Version);
        Assert.Equal(1, Profiles.SnapshotById(set.Find(Profiles.Base + "obs-b")!)["Observation.component:copyNumber"]["min"]!.GetValue<int>());
    }

    [Fact]
    public void Only_conformance_resources_can_be_added()
    {
        var set = new ConformanceSetBuilder().Build();
        var patient = FhirJsonReader.Parse("""{"resourceType":"Patient","id":"p"}""").Resource!;
        Assert.Contains(set.Add(patient), i => i.IsError && i.Code == IssueType.NotSupported);
    }

    [Fact]
    public void Loose_files_win_over_packages_which_win_over_the_core()
    {
        using var temp = new TempFolder();
        var vs = "http://hl7.org/fhir/ValueSet/observation-status";
        temp.WritePackage("p", "1.0.0", null,
            $$"""{"resourceType":"ValueSet","id":"from-package","url":"{{vs}}","status":"active"}""",
            $$"""{"resourceType":"ValueSet","id":"only-package","url":"http://example.org/vs","status":"active"}""");
        temp.Write("defs/vs.json", $$"""{"resourceType":"ValueSet","id":"from-file","url":"{{vs}}","status":"active"}""");

        var set = new ConformanceSetBuilder().AddDefinitions(System.IO.Path.Combine(temp.Path, "defs")).AddPackage(System.IO.Path.Combine(temp.Path, "p-1.0.0.tgz")).Build();

        Assert.Equal("from-file", set.Find(vs)!.GetString("id"));
        Assert.Equal("only-package", set.Find("http://example.org/vs")!.GetString("id"));
        Assert.Equal("observation-status", new ConformanceSetBuilder().Build().Find(vs)!.GetString("id"));
    }

    [Fact]
    public void Search_parameters_from_files_and_bundles_are_enumerated_and_instances_are_skipped()
    {
        using var temp = new TempFolder();
        temp.Write("sp-gene.json", """
            {"resourceType":"SearchParameter","id":"gene","url":"http://example.org/SearchParameter/gene","name":"gene","status":"active",
             "description":"gene","code":"gene","base":["Observation"],"type":"token","expression":"Observation.component.value"}
            """);
        temp.Write("bundle.json", """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"SearchParameter","id":"grade","url":"http://example.org/SearchParameter/grade","name":"grade","status":"active",
                "description":"grade","code":"grade","base":["AdverseEvent"],"type":"token","expression":"AdverseEvent.extension"}},
              {"resource":{"resourceType":"Patient","id":"p"}}]}
            """);
        temp.Write("examples/patient.json", """{"resourceType":"Patient","id":"q"}""");

        var set = new ConformanceSetBuilder().AddDefinitions(temp.Path).Build();

        Assert.Empty(set.LoadIssues);
        Assert.Equal(["gene", "grade"], set.SearchParameters.Select(p => p.GetString("code")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_definitions_path_and_unreadable_json_are_reported()
    {
        using var temp = new TempFolder();
        var bad = temp.Write("bad.json", "{ nope");
        var set = new ConformanceSetBuilder().AddDefinitions(temp.Path).AddDefinitions(System.IO.Path.Combine(temp.Path, "absent")).Build();
        Assert.Contains(set.LoadIssues, i => i.IsError && i.Code == IssueType.NotFound && i.Message.Contains("absent", StringComparison.Ordinal));
        Assert.Contains(set.LoadIssues, i => i.Severity == IssueSeverity.Warning && i.Message.Contains(bad, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_reads_during_run_time_adds_see_a_consistent_set()
    {
        using var temp = new TempFolder();
        var set = Chain(temp);
        var resource = FhirJsonReader.Parse(Profiles.ObsA).Resource!;
        var writing = true;
        // Readers keep reading for as long as the writer publishes, so every swap of generations happens under a read.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            while (Volatile.Read(ref writing) || reads < 200)
            {
                Assert.NotNull(set.Find(Profiles.Base + "obs-b"));
                Assert.NotNull(set.Find(Profiles.Base + "obs-a|1.0.0"));
                reads++;
            }
        })).ToList();
        var writer = Task.Run(() =>
        {
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    Assert.Empty(set.Add(resource));
                }
            }
            finally
            {
                Volatile.Write(ref writing, false);
            }
        });
        await Task.WhenAll([.. readers, writer]);
        Assert.Equal(100, set.Version);
    }

    [Fact]
    public void The_genomics_variant_profile_resolves_from_the_committed_packages()
    {
        var set = new ConformanceSetBuilder().AddPackage(RepositoryFiles.GenomicsPackage).Build();

        var variant = Profiles.SnapshotById(set.Find("http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant")!);
        Assert.Contains("Observation.component", variant.Keys);
        Assert.Equal(["hl7.fhir.uv.genomics-reporting", "hl7.fhir.uv.extensions.r4"], set.Packages.Select(p => p.Name));
        Assert.Contains(set.LoadIssues, i => i.Message.Contains("is used instead", StringComparison.Ordinal));
        Assert.DoesNotContain(set.LoadIssues, i => i.IsError);
    }
}
