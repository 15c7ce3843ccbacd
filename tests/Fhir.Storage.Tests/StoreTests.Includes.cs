using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// _include and _revinclude over a small fixed corpus:
//   Observation o1 -> subject Patient/p1, performer Practitioner/dr1
//   Observation o2 -> subject Patient/p2, performer Organization/org1
//   Observation o3 -> subject Patient/gone (deleted)
//   Patient p1 -> general-practitioner Practitioner/dr1 (dr1 is at version 2)
//   Provenance prov1 -> target Observation/o1; Provenance prov2 (deleted) -> target Observation/o1
public abstract partial class StoreTests
{
    [Fact]
    public async Task Include_returns_each_referenced_current_resource_once()
    {
        await WriteIncludeCorpusAsync();

        var subjects = await Reader.IncludeAsync(Include("Observation", ["subject"], null, "o1", "o2", "o1"));
        Assert.Equal(["Patient/p1", "Patient/p2"], Keys(subjects));

        var everything = await Reader.IncludeAsync(Include("Observation", null, null, "o1", "o2"));
        Assert.Equal(["Patient/p1", "Patient/p2", "Practitioner/dr1", "Organization/org1"], Keys(everything));
        Assert.Equal(2, everything.Single(r => r.Id == "dr1").VersionId);
    }

    [Fact]
    public async Task Include_with_a_target_type_follows_only_references_to_that_type()
    {
        await WriteIncludeCorpusAsync();

        Assert.Equal(["Patient/p1", "Patient/p2"], Keys(await Reader.IncludeAsync(Include("Observation", null, "Patient", "o1", "o2"))));
        Assert.Equal(["Organization/org1"], Keys(await Reader.IncludeAsync(Include("Observation", ["performer"], "Organization", "o1", "o2"))));
    }

    [Fact]
    public async Task Include_skips_deleted_targets_and_sources_of_other_types()
    {
        await WriteIncludeCorpusAsync();

        Assert.Empty(await Reader.IncludeAsync(Include("Observation", ["subject"], null, "o3")));
        Assert.Empty(await Reader.IncludeAsync(Include("Patient", null, null, "o1")));
    }

    [Fact]
    public async Task Include_follows_only_the_current_version_of_the_source()
    {
        await WriteIncludeCorpusAsync();
        await WriteAsync(Update("Observation", "o2", 2, T0.AddMinutes(5), Ref("subject", "Patient", "p1")));

        Assert.Equal(["Patient/p1"], Keys(await Reader.IncludeAsync(Include("Observation", null, null, "o2"))));
    }

    [Fact]
    public async Task RevInclude_returns_the_current_resources_that_reference_the_targets()
    {
        await WriteIncludeCorpusAsync();

        var provenance = await Reader.IncludeAsync(new IncludeRequest(IncludeDirection.RevInclude, [new("Observation", "o1")], "Provenance", ["target"], null, 100));
        Assert.Equal(["Provenance/prov1"], Keys(provenance));

        var anyToP1 = await Reader.IncludeAsync(new IncludeRequest(IncludeDirection.RevInclude, [new("Patient", "p1"), new("Practitioner", "dr1")], null, null, null, 100));
        Assert.Equal(["Patient/p1", "Observation/o1"], Keys(anyToP1));

        var observationsOnly = await Reader.IncludeAsync(new IncludeRequest(IncludeDirection.RevInclude, [new("Patient", "p1"), new("Patient", "p2")], "Observation", ["subject"], null, 100));
        Assert.Equal(["Observation/o1", "Observation/o2"], Keys(observationsOnly));
    }

    [Fact]
    public async Task Include_returns_at_most_the_limit()
    {
        await WriteIncludeCorpusAsync();

        var limited = await Reader.IncludeAsync(Include("Observation", null, null, "o1", "o2") with { Limit = 3 });
        Assert.Equal(["Patient/p1", "Patient/p2", "Practitioner/dr1"], Keys(limited));
    }

    [Fact]
    public async Task Include_of_many_sources_spans_several_statements()
    {
        var writes = new List<ResourceWrite> { Create("Patient", "shared", T0) };
        var ids = new List<string>();
        for (var i = 0; i < 1_200; i++)
        {
            ids.Add("m" + i);
            writes.Add(Create("Observation", "m" + i, T0, Ref("subject", "Patient", i == 1_100 ? "late" : "shared")));
        }
        writes.Add(Create("Patient", "late", T0));
        await WriteAsync([.. writes]);

        Assert.Equal(["Patient/shared", "Patient/late"], Keys(await Reader.IncludeAsync(Include("Observation", ["subject"], null, [.. ids]))));
    }

    [Fact]
    public async Task Count_counts_every_match_regardless_of_page_and_cursor()
    {
        await WriteIncludeCorpusAsync();

        Assert.Equal(3, await Reader.CountAsync(new SearchQuery("Observation", [], Count: 1, After: new SearchCursor(2, []))));
        Assert.Equal(2, await Reader.CountAsync(Query("Patient")));
        Assert.Equal(1, await Reader.CountAsync(Query("Observation", new SearchCriterion("subject", SearchParamType.Reference, null, [new ReferenceSearchValue("Patient", "p2", null)]))));
    }

    private async Task WriteIncludeCorpusAsync()
    {
        await WriteAsync(
            Create("Patient", "p1", T0, Ref("general-practitioner", "Practitioner", "dr1")),
            Create("Patient", "p2", T0),
            Create("Patient", "gone", T0),
            Create("Practitioner", "dr1", T0),
            Create("Organization", "org1", T0),
            Create("Observation", "o1", T0, Ref("subject", "Patient", "p1"), Ref("patient", "Patient", "p1"), Ref("performer", "Practitioner", "dr1")),
            Create("Observation", "o2", T0, Ref("subject", "Patient", "p2"), Ref("performer", "Organization", "org1"), new ReferenceIndexValue("derived-from", null, null, "http://elsewhere.org/Patient/p1")),
            Create("Observation", "o3", T0, Ref("subject", "Patient", "gone")),
            Create("Provenance", "prov1", T0, Ref("target", "Observation", "o1")),
            Create("Provenance", "prov2", T0, Ref("target", "Observation", "o1")));
        await WriteAsync(
            Update("Practitioner", "dr1", 2, T0.AddMinutes(1)),
            Delete("Patient", "gone", 2, T0.AddMinutes(1)),
            Delete("Provenance", "prov2", 2, T0.AddMinutes(1)));
    }

    private static IncludeRequest Include(string sourceType, IReadOnlyList<string>? codes, string? targetType, params string[] sourceIds) =>
        new(IncludeDirection.Include, [.. sourceIds.Select(id => new ResourceRef(sourceType, id))], sourceType, codes, targetType, 100);

    private static ReferenceIndexValue Ref(string code, string type, string id) => new(code, type, id, null);

    private static string[] Keys(IReadOnlyList<ResourceVersion> resources) => [.. resources.Select(r => $"{r.Type}/{r.Id}")];
}
