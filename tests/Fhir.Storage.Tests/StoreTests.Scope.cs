using Fhir.Search.Indexing;
using Fhir.Search.Queries;
using Fhir.Storage.Access;

namespace Fhir.Storage.Tests;

// Reads held to a ReadScope, over a corpus of two patients:
//   Patient a, Patient b
//   Observation moved: v1 subject b, v2 subject a
//   Observation gone: v1 subject b, v2 deleted
//   Observation shared: subject b, performer a (in both compartments)
//   Observation mine: subject a, performer Practitioner/dr
//   Observation bonly: subject b
//   Practitioner dr (in no patient's compartment); Group g: members a and b
public abstract partial class StoreTests
{
    private static readonly ReadScope PatientA = new() { Patient = "a" };

    [Fact]
    public async Task A_patient_scope_reads_only_versions_in_its_compartment()
    {
        await WriteScopeCorpusAsync();
        var reader = Store.Reader(PatientA);

        Assert.NotNull(await reader.ReadAsync("Patient", "a"));
        Assert.Null(await reader.ReadAsync("Patient", "b"));
        Assert.Null(await reader.ReadAsync("Practitioner", "dr"));
        Assert.Equal(2, (await reader.ReadAsync("Observation", "moved"))!.VersionId);
        Assert.Null(await reader.ReadVersionAsync("Observation", "moved", 1));
        Assert.NotNull(await reader.ReadVersionAsync("Observation", "moved", 2));
        // The tombstone is judged by the version it deleted.
        Assert.Null(await reader.ReadAsync("Observation", "gone"));
        Assert.True((await Reader.ReadAsync("Observation", "gone"))!.IsDeleted);
        Assert.NotNull(await reader.ReadAsync("Observation", "shared"));
    }

    [Fact]
    public async Task A_patient_scope_sees_history_version_by_version()
    {
        await WriteScopeCorpusAsync();
        var reader = Store.Reader(PatientA);

        Assert.Equal(["Observation/moved/2"], Keys(await reader.HistoryAsync(new HistoryQuery("Observation", "moved", null, 10))));
        Assert.Empty((await reader.HistoryAsync(new HistoryQuery("Observation", "gone", null, 10))).Entries);
        var typeHistory = Keys(await reader.HistoryAsync(new HistoryQuery("Observation", null, null, 100)));
        Assert.Equal(["Observation/moved/2", "Observation/mine/1", "Observation/shared/1"], typeHistory);
        var system = Keys(await reader.HistoryAsync(new HistoryQuery(null, null, null, 100)));
        Assert.DoesNotContain("Patient/b/1", system);
        Assert.Contains("Group/g/1", system);
        Assert.Contains("Patient/a/1", system);
    }

    [Fact]
    public async Task A_patient_scope_holds_matches_chains_has_and_includes_to_its_compartment()
    {
        await WriteScopeCorpusAsync();
        var reader = Store.Reader(PatientA);

        Assert.Equal(["moved", "shared", "mine"], Ids(await reader.SearchAsync(Query("Observation"))));
        Assert.Equal(3, await reader.CountAsync(Query("Observation")));
        // A chain to another patient's name finds nothing, even from a resource in the compartment (the group).
        var chainToB = new SearchCriterion("member", SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], new("name", SearchParamType.String, null, [new StringSearchValue("bravo")]))]);
        Assert.Empty((await reader.SearchAsync(Query("Group", chainToB))).Resources);
        Assert.Equal(0, await reader.CountAsync(Query("Group", chainToB)));
        Assert.Single((await Reader.SearchAsync(Query("Group", chainToB))).Resources);
        // _has from another patient's resource finds nothing.
        var hasFromB = new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue("Observation", "subject", TokenCriterion("identifier", null, new TokenSearchValue("urn:o", "b-only", true)))]);
        Assert.Empty((await reader.SearchAsync(Query("Patient", hasFromB))).Resources);
        Assert.Equal(["b"], Ids(await Reader.SearchAsync(Query("Patient", hasFromB))));
        // Includes leave out what the scope may not read.
        Assert.Empty(await reader.IncludeAsync(new IncludeRequest(IncludeDirection.Include, [new("Observation", "mine"), new("Observation", "shared")], "Observation", ["performer"], "Practitioner", 100)));
        var subjects = await reader.IncludeAsync(new IncludeRequest(IncludeDirection.Include, [new("Observation", "shared")], "Observation", ["subject"], null, 100));
        Assert.Empty(subjects);
        var revinclude = await reader.IncludeAsync(new IncludeRequest(IncludeDirection.RevInclude, [new("Patient", "b")], "Observation", ["subject"], null, 100));
        Assert.Equal(["Observation/shared"], revinclude.Select(r => $"{r.Type}/{r.Id}"));
        // A system-level search sees the compartment of every type.
        Assert.Equal(["a", "moved", "shared", "mine", "g"], Ids(await reader.SearchAsync(new SearchQuery(null, [], 100))));
    }

    [Fact]
    public async Task Unconfined_types_of_a_mixed_scope_are_read_whole()
    {
        await WriteScopeCorpusAsync();
        var reader = Store.Reader(PatientA with { UnconfinedTypes = new HashSet<string> { "Practitioner" } });

        Assert.NotNull(await reader.ReadAsync("Practitioner", "dr"));
        Assert.Null(await reader.ReadAsync("Patient", "b"));
        var included = await reader.IncludeAsync(new IncludeRequest(IncludeDirection.Include, [new("Observation", "mine")], "Observation", null, null, 100));
        Assert.Equal(["Patient/a", "Practitioner/dr"], included.Select(r => $"{r.Type}/{r.Id}"));
        Assert.Contains("dr", Ids(await reader.SearchAsync(new SearchQuery(null, [], 100))));
    }

    [Fact]
    public async Task A_type_scope_returns_only_its_types_and_refuses_searches_that_traverse_others()
    {
        await WriteScopeCorpusAsync();
        var observations = new HashSet<string> { "Observation" };
        var reader = Store.Reader(new ReadScope { ReadTypes = observations, SearchTypes = observations });

        Assert.Null(await reader.ReadAsync("Patient", "a"));
        Assert.All((await reader.HistoryAsync(new HistoryQuery(null, null, null, 100))).Entries, e => Assert.Equal("Observation", e.Type));
        Assert.Equal(["moved", "shared", "mine", "bonly"], Ids(await reader.SearchAsync(new SearchQuery(null, [], 100))));
        Assert.Empty(await reader.IncludeAsync(new IncludeRequest(IncludeDirection.Include, [new("Observation", "mine")], "Observation", null, null, 100)));

        var chain = new SearchCriterion("subject", SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], new("name", SearchParamType.String, null, [new StringSearchValue("bravo")]))]);
        var refused = await Assert.ThrowsAsync<ScopeViolationException>(() => reader.SearchAsync(Query("Observation", chain)));
        Assert.Equal("Patient", refused.Type);
        await Assert.ThrowsAsync<ScopeViolationException>(() => reader.CountAsync(Query("Observation", chain)));
        await Assert.ThrowsAsync<ScopeViolationException>(() => reader.SearchAsync(Query("Patient")));
        var nested = new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue("Observation", "subject",
            new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue("Provenance", "target", TokenCriterion("_id", null, new TokenSearchValue(null, "x", false)))]))]);
        await Assert.ThrowsAsync<ScopeViolationException>(() => reader.SearchAsync(Query("Observation", nested)));
        await using var session = await Store.BeginWriteAsync();
        await Assert.ThrowsAsync<ScopeViolationException>(() => session.SearchIdsAsync(Query("Observation", chain), reader.Scope, 2));
    }

    [Fact]
    public async Task A_write_session_matches_within_a_scope_and_reports_the_current_patients()
    {
        await WriteScopeCorpusAsync();
        await using var session = await Store.BeginWriteAsync();
        var bOnly = TokenCriterion("identifier", null, new TokenSearchValue("urn:o", "b-only", true));
        Assert.Empty(await session.SearchIdsAsync(Query("Observation", bOnly), PatientA, 2));
        Assert.Equal(["bonly"], await session.SearchIdsAsync(Query("Observation", bOnly), ReadScope.Everything, 2));
        Assert.Equal(["a", "b"], await session.CurrentPatientsAsync("Observation", "shared"));
        Assert.Equal(["b"], await session.CurrentPatientsAsync("Observation", "gone"));
        Assert.Equal(["a"], await session.CurrentPatientsAsync("Observation", "moved"));
        Assert.Empty(await session.CurrentPatientsAsync("Practitioner", "dr"));
        Assert.Empty(await session.CurrentPatientsAsync("Observation", "never"));
    }

    [Fact]
    public async Task The_compartment_backfill_records_versions_and_tombstones_once()
    {
        await WriteScopeCorpusAsync();
        var versions = await Store.ReadVersionsAsync(0, 1000);
        Assert.Equal(versions.Select(v => v.Seq).Order(), versions.Select(v => v.Seq));
        Assert.Contains(versions, v => v.Method == WriteMethod.Delete && v.Id == "gone");
        await ExecuteSqlAsync(options, "DELETE FROM patient_compartment");
        Assert.Null(await Store.Reader(PatientA).ReadAsync("Patient", "a"));

        // As the job does it: the patients of each stored version, then the tombstones'.
        var rows = versions.Where(v => v.Method != WriteMethod.Delete).Select(v => new VersionPatients(v.Seq, v.Id switch
        {
            "a" => ["a"], "b" or "gone" or "bonly" => ["b"], "shared" => ["b", "a"], "mine" => ["a"], "g" => ["a", "b"],
            "moved" => System.Text.Encoding.UTF8.GetString(v.Json.Span).Contains("\"versionId\":\"1\"", StringComparison.Ordinal) ? ["b"] : ["a"],
            _ => [],
        })).ToList();
        for (var pass = 0; pass < 2; pass++)
        {
            Assert.True(await Store.WritePatientsAsync(rows, 0, versions[^1].Seq, null, T0));
        }
        await using var session = await Store.BeginWriteAsync();
        Assert.Equal(["b"], await session.CurrentPatientsAsync("Observation", "gone"));
        Assert.NotNull(await Store.Reader(PatientA).ReadAsync("Patient", "a"));
    }

    private async Task WriteScopeCorpusAsync()
    {
        await WriteAsync(
            Create("Patient", "a", T0, NameValue("alpha")),
            Create("Patient", "b", T0, NameValue("bravo")),
            Create("Practitioner", "dr", T0),
            new ResourceWrite("Observation", "moved", 1, T0, WriteMethod.Create, Json("Observation", "moved", 1), [Subject("b")], ["b"]),
            new ResourceWrite("Observation", "gone", 1, T0, WriteMethod.Create, Json("Observation", "gone", 1), [Subject("b"), Token("identifier", "urn:o", "gone-or-b")], ["b"]),
            new ResourceWrite("Observation", "shared", 1, T0, WriteMethod.Create, Json("Observation", "shared", 1), [Subject("b"), new ReferenceIndexValue("performer", "Patient", "a", null)], ["b", "a"]),
            new ResourceWrite("Observation", "mine", 1, T0, WriteMethod.Create, Json("Observation", "mine", 1), [Subject("a"), new ReferenceIndexValue("performer", "Practitioner", "dr", null)], ["a"]),
            new ResourceWrite("Observation", "bonly", 1, T0, WriteMethod.Create, Json("Observation", "bonly", 1), [Subject("b"), Token("identifier", "urn:o", "b-only")], ["b"]),
            new ResourceWrite("Group", "g", 1, T0, WriteMethod.Create, Json("Group", "g", 1), [new ReferenceIndexValue("member", "Patient", "a", null), new ReferenceIndexValue("member", "Patient", "b", null)], ["a", "b"]));
        await WriteAsync(new ResourceWrite("Observation", "moved", 2, T0.AddMinutes(1), WriteMethod.Update, Json("Observation", "moved", 2), [Subject("a")], ["a"]));
        await WriteAsync(Delete("Observation", "gone", 2, T0.AddMinutes(2)));
    }

    private static ReferenceIndexValue Subject(string patient) => new("subject", "Patient", patient, null);

    private static StringIndexValue NameValue(string name) => new("name", name, name);

    private static string[] Ids(SearchPage page) => [.. page.Resources.Select(r => r.Id)];
}
