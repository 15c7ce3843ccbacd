using Fhir.Search.Queries;
using Fhir.Storage.Access;
using Fhir.Storage.Jobs;

namespace Fhir.Storage.Tests;

// What bulk reads and jobs need of the store (Bulk Data $export and $import, ViewDefinition/$run): searches held to the
// compartments of a set of patients, the keyset position of every resource of a page, jobs removed and listed, and a
// job checkpoint that commits with the writes of the same session. Over the scope corpus (StoreTests.Scope.cs).
public abstract partial class StoreTests
{
    [Fact]
    public async Task A_patient_filter_keeps_the_resources_whose_current_version_is_in_one_of_the_patients_compartments()
    {
        await WriteScopeCorpusAsync();

        var ofA = await Reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Of(["a"]) });
        var ofB = await Reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Of(["b"]) });
        var ofBoth = await Reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Of(["a", "b", "nobody"]) });

        // "moved" left b's compartment with its second version; "gone" is deleted.
        Assert.Equal(["moved", "shared", "mine"], Ids(ofA));
        Assert.Equal(["shared", "bonly"], Ids(ofB));
        Assert.Equal(["moved", "shared", "mine", "bonly"], Ids(ofBoth));
        Assert.Equal(["a"], Ids(await Reader.SearchAsync(Query("Patient") with { Patients = PatientFilter.Of(["a"]) })));
        Assert.Empty(Ids(await Reader.SearchAsync(Query("Practitioner") with { Patients = PatientFilter.Of(["a", "b"]) })));
        Assert.Empty(Ids(await Reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Of([]) })));
        Assert.Equal(3, await Reader.CountAsync(Query("Observation") with { Patients = PatientFilter.Of(["a"]) }));
    }

    [Fact]
    public async Task The_any_patient_filter_keeps_what_is_in_some_patients_compartment_and_drops_the_rest()
    {
        await WriteScopeCorpusAsync();

        Assert.Equal(["a", "b"], Ids(await Reader.SearchAsync(Query("Patient") with { Patients = PatientFilter.Any })));
        Assert.Equal(["moved", "shared", "mine", "bonly"], Ids(await Reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Any })));
        Assert.Empty(Ids(await Reader.SearchAsync(Query("Practitioner") with { Patients = PatientFilter.Any })));
    }

    [Fact]
    public async Task A_patient_filter_narrows_a_patient_scope_and_never_widens_it()
    {
        await WriteScopeCorpusAsync();
        var reader = Store.Reader(PatientA);

        Assert.Equal(["shared"], Ids(await reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Of(["b"]) })));
        Assert.Equal(["moved", "shared", "mine"], Ids(await reader.SearchAsync(Query("Observation") with { Patients = PatientFilter.Any })));
    }

    [Fact]
    public async Task A_patient_filter_combines_with_criteria_and_pages_by_key()
    {
        await WriteScopeCorpusAsync();
        var bOnly = TokenCriterion("identifier", null, new TokenSearchValue("urn:o", "b-only", true));

        Assert.Equal(["bonly"], Ids(await Reader.SearchAsync(Query("Observation", bOnly) with { Patients = PatientFilter.Of(["b"]) })));
        Assert.Empty(Ids(await Reader.SearchAsync(Query("Observation", bOnly) with { Patients = PatientFilter.Of(["a"]) })));

        var first = await Reader.SearchAsync(new SearchQuery("Observation", [], 2) { Patients = PatientFilter.Any });
        var second = await Reader.SearchAsync(new SearchQuery("Observation", [], 2, first.Next) { Patients = PatientFilter.Any });
        Assert.Equal(["moved", "shared"], Ids(first));
        Assert.Equal(["mine", "bonly"], Ids(second));
    }

    [Fact]
    public async Task Every_resource_of_a_page_carries_its_position_and_a_search_resumes_right_after_any_of_them()
    {
        await WriteScopeCorpusAsync();

        var page = await Reader.SearchAsync(new SearchQuery("Observation", [], 10));
        Assert.Equal(page.Resources.Count, page.Positions.Count);
        Assert.Equal(page.Positions.Select(p => p.Key).Order(), page.Positions.Select(p => p.Key));

        var resumed = await Reader.SearchAsync(new SearchQuery("Observation", [], 10, page.Positions[1]));
        Assert.Equal(Ids(page).Skip(2), Ids(resumed));
    }

    [Fact]
    public async Task A_deleted_job_is_gone_and_jobs_are_listed_by_kind_oldest_first()
    {
        var first = await Store.EnqueueJobAsync("export", "{}", T0);
        var other = await Store.EnqueueJobAsync("reindex", "{}", T0.AddSeconds(1));
        var second = await Store.EnqueueJobAsync("export", "{}", T0.AddSeconds(2));

        Assert.Equal([first.Id, second.Id], (await Store.ListJobsAsync("export")).Select(j => j.Id));
        Assert.True(await Store.DeleteJobAsync(first.Id));
        Assert.False(await Store.DeleteJobAsync(first.Id));
        Assert.Null(await Store.GetJobAsync(first.Id));
        Assert.Equal([second.Id], (await Store.ListJobsAsync("export")).Select(j => j.Id));
        Assert.NotNull(await Store.GetJobAsync(other.Id));
    }

    [Fact]
    public async Task A_checkpoint_in_a_write_session_commits_with_its_writes_and_fails_for_a_runner_that_lost_the_job()
    {
        var job = await Store.EnqueueJobAsync("import", "{}", T0);
        await Store.ClaimJobAsync("node-a", T0, T0.AddSeconds(30));

        await using (var session = await Store.BeginWriteAsync())
        {
            await session.WriteAsync(Create("Patient", "imported"));
            Assert.True(await session.CheckpointJobAsync(new JobCheckpoint(job.Id, "node-a", "line:1", 1, null, T0.AddSeconds(60)), T0.AddSeconds(1)));
            // Not committed: neither the write nor the cursor counts.
        }
        Assert.Null((await Store.GetJobAsync(job.Id))!.Cursor);
        Assert.Null(await Reader.ReadAsync("Patient", "imported"));

        await using (var session = await Store.BeginWriteAsync())
        {
            await session.WriteAsync(Create("Patient", "imported"));
            Assert.True(await session.CheckpointJobAsync(new JobCheckpoint(job.Id, "node-a", "line:1", 1, null, T0.AddSeconds(60)), T0.AddSeconds(1)));
            await session.CommitAsync();
        }
        Assert.Equal(("line:1", 1L), ((await Store.GetJobAsync(job.Id))!.Cursor, (await Store.GetJobAsync(job.Id))!.Done));
        Assert.NotNull(await Reader.ReadAsync("Patient", "imported"));

        await using (var session = await Store.BeginWriteAsync())
        {
            Assert.False(await session.CheckpointJobAsync(new JobCheckpoint(job.Id, "node-b", "line:2", 2, null, T0.AddSeconds(60)), T0.AddSeconds(2)));
        }
    }
}
