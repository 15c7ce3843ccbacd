using System.Text;
using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

/// <summary>
/// Every store test, run against each database by a small derived class. Each test gets a fresh,
/// initialised database (<see cref="CreateDatabaseAsync"/>) and its own store.
/// </summary>
public abstract partial class StoreTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly List<IFhirStore> stores = [];
    private readonly List<StorageOptions> databases = [];
    private StorageOptions options = null!;

    /// <summary>The store under test.</summary>
    protected IFhirStore Store { get; private set; } = null!;

    /// <summary>Reads of the store that see everything (the access scopes have tests of their own).</summary>
    protected IResourceReader Reader => Store.Reader(Fhir.Storage.Access.ReadScope.Everything);

    /// <summary>Creates an empty database and returns the options that open it.</summary>
    protected abstract Task<StorageOptions> CreateDatabaseAsync();

    /// <summary>Deletes a database made by <see cref="CreateDatabaseAsync"/>.</summary>
    protected abstract Task DropDatabaseAsync(StorageOptions database);

    /// <summary>The dialect of the database under test.</summary>
    private protected abstract Fhir.Storage.Sql.SqlDialect Dialect { get; }

    /// <summary>Runs SQL on a database outside any store (to build an old schema).</summary>
    protected abstract Task ExecuteSqlAsync(StorageOptions database, string sql);

    /// <summary>Runs a query of one number on a database outside any store.</summary>
    protected abstract Task<long> ScalarAsync(StorageOptions database, string sql);

    public async Task InitializeAsync()
    {
        options = await NewDatabaseAsync();
        Store = await OpenStoreAsync(options);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in stores) await store.DisposeAsync();
        foreach (var database in databases) await DropDatabaseAsync(database);
    }

    // ---- reads and versions -------------------------------------------------------------

    [Fact]
    public async Task Write_then_read_returns_the_same_bytes()
    {
        var json = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"id\":\"a\",\"name\":[{\"family\":\"Müller ✓\"}]}");
        await WriteAsync(new ResourceWrite("Patient", "a", 1, T0, WriteMethod.Create, json, [], ["a"]));

        var read = await Reader.ReadAsync("Patient", "a");

        Assert.NotNull(read);
        Assert.Equal(json, read.Json.ToArray());
        Assert.Equal(("Patient", "a", 1, T0, WriteMethod.Create), (read.Type, read.Id, read.VersionId, read.LastUpdated, read.Method));
        Assert.False(read.IsDeleted);
    }

    [Fact]
    public async Task Read_of_a_resource_never_written_returns_null()
    {
        await WriteAsync(Create("Patient", "a"));

        Assert.Null(await Reader.ReadAsync("Patient", "b"));
        Assert.Null(await Reader.ReadAsync("Observation", "a"));
    }

    [Fact]
    public async Task Every_version_stays_readable_by_its_number()
    {
        await WriteAsync(Create("Patient", "a"));
        await WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(1)));

        var v1 = await Reader.ReadVersionAsync("Patient", "a", 1);
        var v2 = await Reader.ReadVersionAsync("Patient", "a", 2);
        var current = await Reader.ReadAsync("Patient", "a");

        Assert.Equal(Json("Patient", "a", 1), v1!.Json.ToArray());
        Assert.Equal(WriteMethod.Create, v1.Method);
        Assert.Equal(Json("Patient", "a", 2), v2!.Json.ToArray());
        Assert.Equal(WriteMethod.Update, v2.Method);
        Assert.Equal(T0.AddMinutes(1), v2.LastUpdated);
        Assert.Equal(2, current!.VersionId);
        Assert.Null(await Reader.ReadVersionAsync("Patient", "a", 3));
    }

    [Fact]
    public async Task Delete_leaves_a_tombstone_that_read_returns_and_search_skips()
    {
        await WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));
        await WriteAsync(Delete("Patient", "a", 2, T0.AddMinutes(1)));

        var read = await Reader.ReadAsync("Patient", "a");

        Assert.NotNull(read);
        Assert.True(read.IsDeleted);
        Assert.Equal(2, read.VersionId);
        Assert.Equal(0, read.Json.Length);
        Assert.Empty(await SearchIdsAsync("Patient"));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
        Assert.Equal(Json("Patient", "a", 1), (await Reader.ReadVersionAsync("Patient", "a", 1))!.Json.ToArray());
    }

    [Fact]
    public async Task A_deleted_resource_comes_back_with_the_next_version_and_its_new_index()
    {
        await WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));
        await WriteAsync(Delete("Patient", "a", 2, T0.AddMinutes(1)));
        await WriteAsync(Update("Patient", "a", 3, T0.AddMinutes(2), Token("identifier", "urn:sys", "2")));

        Assert.Equal(3, (await Reader.ReadAsync("Patient", "a"))!.VersionId);
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "2", true))));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
    }

    [Fact]
    public async Task Update_replaces_the_index_rows_of_the_resource()
    {
        await WriteAsync(Create("Patient", "a", index: [Token("identifier", "urn:sys", "old"), new StringIndexValue("name", "old", "Old")]));
        await WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(1), Token("identifier", "urn:sys", "new")));

        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue(null, "old", false))));
        Assert.Empty(await SearchIdsAsync("Patient", new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("old")])));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue(null, "new", false))));
    }

    // ---- history ------------------------------------------------------------------------

    [Fact]
    public async Task History_of_an_instance_a_type_and_the_system_is_newest_first()
    {
        await WriteHistoryCorpusAsync();

        Assert.Equal(["Patient/a/3", "Patient/a/2", "Patient/a/1"], Keys(await Reader.HistoryAsync(new HistoryQuery("Patient", "a", null, 10))));
        Assert.Equal(["Patient/a/3", "Patient/a/2", "Patient/b/1", "Patient/a/1"], Keys(await Reader.HistoryAsync(new HistoryQuery("Patient", null, null, 10))));
        Assert.Equal(
            ["Patient/a/3", "Patient/a/2", "Observation/c/1", "Patient/b/1", "Patient/a/1"],
            Keys(await Reader.HistoryAsync(new HistoryQuery(null, null, null, 10))));

        var instance = await Reader.HistoryAsync(new HistoryQuery("Patient", "a", null, 10));
        Assert.Equal([WriteMethod.Delete, WriteMethod.Update, WriteMethod.Create], instance.Entries.Select(e => e.Method));
        Assert.Null(instance.Next);
        Assert.Equal(Json("Patient", "a", 2), instance.Entries[1].Json.ToArray());
    }

    [Fact]
    public async Task History_since_keeps_the_versions_written_at_or_after_the_instant()
    {
        await WriteHistoryCorpusAsync();

        var page = await Reader.HistoryAsync(new HistoryQuery(null, null, T0.AddMinutes(2), 10));
        var instance = await Reader.HistoryAsync(new HistoryQuery("Patient", "a", T0.AddMinutes(3), 10));

        Assert.Equal(["Patient/a/3", "Patient/a/2", "Observation/c/1"], Keys(page));
        Assert.Equal(["Patient/a/3", "Patient/a/2"], Keys(instance));
    }

    [Fact]
    public async Task History_pages_through_the_before_cursor_without_gaps_or_repeats()
    {
        await WriteHistoryCorpusAsync();

        var first = await Reader.HistoryAsync(new HistoryQuery(null, null, null, 2));
        var second = await Reader.HistoryAsync(new HistoryQuery(null, null, null, 2, first.Next));
        var third = await Reader.HistoryAsync(new HistoryQuery(null, null, null, 2, second.Next));
        var typePage = await Reader.HistoryAsync(new HistoryQuery("Patient", null, null, 3));
        var typeRest = await Reader.HistoryAsync(new HistoryQuery("Patient", null, null, 3, typePage.Next));

        Assert.Equal(["Patient/a/3", "Patient/a/2"], Keys(first));
        Assert.Equal(["Observation/c/1", "Patient/b/1"], Keys(second));
        Assert.Equal(["Patient/a/1"], Keys(third));
        Assert.NotNull(first.Next);
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
        Assert.Equal(["Patient/a/3", "Patient/a/2", "Patient/b/1"], Keys(typePage));
        Assert.Equal(["Patient/a/1"], Keys(typeRest));
        Assert.Null(typeRest.Next);
    }

    // ---- sessions -----------------------------------------------------------------------

    [Fact]
    public async Task A_session_disposed_without_commit_leaves_nothing_visible()
    {
        await using (var session = await Store.BeginWriteAsync())
        {
            await session.WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));
            await session.WriteAsync(Create("Patient", "b"));
        }

        Assert.Null(await Reader.ReadAsync("Patient", "a"));
        Assert.Empty((await Reader.HistoryAsync(new HistoryQuery(null, null, null, 10))).Entries);
        Assert.Empty(await SearchIdsAsync("Patient"));

        // Nothing half-written stands in the way of the same write later.
        await WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
    }

    [Fact]
    public async Task A_session_sees_its_own_writes_before_anyone_else_does()
    {
        await using var session = await Store.BeginWriteAsync();
        await session.WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));

        var inside = await session.SearchIdsAsync(Query("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))), Fhir.Storage.Access.ReadScope.Everything, 2);
        var readInside = await session.ReadForUpdateAsync("Patient", "a");
        var readOutside = await Reader.ReadAsync("Patient", "a");

        Assert.Equal(["a"], inside);
        Assert.Equal(1, readInside!.VersionId);
        Assert.Null(readOutside);

        await session.CommitAsync();
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
    }

    // A conflict surfaces at the write or, where the store holds writes back (PostgreSQL sends them in batches), at the
    // session's next step, at the latest its commit.
    private static async Task WriteAndCommitAsync(IWriteSession session, params ResourceWrite[] writes)
    {
        foreach (var write in writes) await session.WriteAsync(write);
        await session.CommitAsync();
    }

    [Fact]
    public async Task Writing_an_existing_version_again_throws_WriteConflictException()
    {
        await WriteAsync(Create("Patient", "a"));

        await using var session = await Store.BeginWriteAsync();
        await Assert.ThrowsAsync<WriteConflictException>(() => WriteAndCommitAsync(session, Create("Patient", "a", T0.AddMinutes(1))));
        Assert.Equal(T0, (await Reader.ReadAsync("Patient", "a"))!.LastUpdated);
    }

    [Fact]
    public async Task Writing_a_version_older_than_the_current_throws_WriteConflictException()
    {
        await WriteAsync(Create("Patient", "a"));
        await WriteAsync(Update("Patient", "a", 3, T0.AddMinutes(1)));

        await using var session = await Store.BeginWriteAsync();
        await Assert.ThrowsAsync<WriteConflictException>(() => WriteAndCommitAsync(session, Update("Patient", "a", 2, T0.AddMinutes(2))));
        Assert.Equal(3, (await Reader.ReadAsync("Patient", "a"))!.VersionId);
        Assert.Null(await Reader.ReadVersionAsync("Patient", "a", 2));
    }

    [Fact]
    public async Task A_session_refuses_more_work_after_a_failed_step()
    {
        await WriteAsync(Create("Patient", "a"));

        await using var session = await Store.BeginWriteAsync();
        await Assert.ThrowsAsync<WriteConflictException>(() => WriteAndCommitAsync(session, Create("Patient", "a")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ReadForUpdateAsync("Patient", "a"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync());
    }

    // Whether a store sends each write at once or holds writes back to send them together (PostgreSQL, up to 64 in a
    // round trip), every other step of the session sees the writes made before it, and the commit stores them all.
    [Fact]
    public async Task A_sessions_writes_are_seen_by_its_next_step_and_committed_together_however_many()
    {
        await WriteAsync(Create("Patient", "p", index: Token("identifier", "urn:sys", "1")));
        var code = TokenCriterion("code", null, new TokenSearchValue("urn:c", "x", true));

        await using var session = await Store.BeginWriteAsync();
        for (var i = 0; i < 150; i++)
        {
            await session.WriteAsync(Create("Observation", $"o{i}", index: Token("code", "urn:c", "x")));
            if (i % 40 == 0) await session.AppendAuditAsync(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
        }
        await session.WriteAsync(Update("Patient", "p", 2, T0.AddMinutes(1), Token("identifier", "urn:sys", "2")));
        Assert.Equal(150, (await session.SearchIdsAsync(Query("Observation", code), Access.ReadScope.Everything, 1000)).Count);
        Assert.Equal(2, (await session.ReadForUpdateAsync("Patient", "p"))!.VersionId);
        await session.WriteAsync(Update("Patient", "p", 3, T0.AddMinutes(2), Token("identifier", "urn:sys", "3")));
        Assert.Equal(["p"], await session.CurrentPatientsAsync("Patient", "p"));
        await session.WriteAsync(Delete("Observation", "o7", 2, T0.AddMinutes(3)));
        await session.CommitAsync();

        Assert.Equal(3, (await Reader.ReadAsync("Patient", "p"))!.VersionId);
        Assert.Equal(149, (await SearchIdsAsync("Observation", code)).Length);
        Assert.True((await Reader.ReadAsync("Observation", "o7"))!.IsDeleted);
        Assert.Equal(4, await Store.PendingAuditAsync());
    }

    [Fact]
    public async Task A_conflict_among_a_sessions_writes_stores_none_of_them()
    {
        await WriteAsync(Create("Patient", "taken"));

        await using (var session = await Store.BeginWriteAsync())
        {
            var writes = Enumerable.Range(0, 100).Select(i => Create("Patient", $"n{i}")).ToList();
            writes.Insert(70, Create("Patient", "taken", T0.AddMinutes(1)));
            await session.AppendAuditAsync(Encoding.UTF8.GetBytes("{}"));
            await Assert.ThrowsAsync<WriteConflictException>(() => WriteAndCommitAsync(session, [.. writes]));
        }

        Assert.Null(await Reader.ReadAsync("Patient", "n0"));
        Assert.Null(await Reader.ReadAsync("Patient", "n99"));
        Assert.Equal(T0, (await Reader.ReadAsync("Patient", "taken"))!.LastUpdated);
        Assert.Equal(0, await Store.PendingAuditAsync());
    }

    [Fact]
    public async Task Initialize_is_safe_to_repeat_and_to_run_from_several_stores_at_once()
    {
        var fresh = await NewDatabaseAsync();
        var many = new List<IFhirStore>();
        for (var i = 0; i < 4; i++) many.Add(await OpenStoreAsync(fresh, initialize: false));

        await Task.WhenAll(many.Select(s => Task.Run(() => s.InitializeAsync())));
        await many[0].InitializeAsync();
        await Store.InitializeAsync();

        await using (var session = await many[1].BeginWriteAsync())
        {
            await session.WriteAsync(Create("Patient", "a"));
            await session.CommitAsync();
        }
        Assert.NotNull(await many[2].Reader(Fhir.Storage.Access.ReadScope.Everything).ReadAsync("Patient", "a"));
    }

    // ---- concurrency --------------------------------------------------------------------

    [Fact]
    public async Task Conditional_creates_from_32_parallel_sessions_make_exactly_one_resource()
    {
        var created = await RunConditionalCreatesAsync([Store], 32);

        Assert.Equal(1, created);
        Assert.Single(await SearchIdsAsync("Patient", IdentifierCriterion()));
    }

    [Fact]
    public async Task Conditional_creates_through_two_store_instances_make_exactly_one_resource()
    {
        var second = await OpenStoreAsync(options);

        var created = await RunConditionalCreatesAsync([Store, second], 32);

        Assert.Equal(1, created);
        Assert.Single(await SearchIdsAsync("Patient", IdentifierCriterion()));
    }

    [Fact]
    public async Task Parallel_read_for_update_loops_lose_no_update()
    {
        const int Workers = 16, UpdatesEach = 8;
        await WriteAsync(Create("Patient", "a"));

        var counts = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            var done = 0;
            for (var i = 0; i < UpdatesEach; i++)
            {
                await RetryOnConflictAsync(async () =>
                {
                    await using var session = await Store.BeginWriteAsync();
                    var current = await session.ReadForUpdateAsync("Patient", "a");
                    await session.WriteAsync(Update("Patient", "a", current!.VersionId + 1, DateTimeOffset.UtcNow));
                    await session.CommitAsync();
                    return true;
                });
                done++;
            }
            return done;
        })));

        var successful = counts.Sum();
        Assert.Equal(Workers * UpdatesEach, successful);
        Assert.Equal(successful + 1, (await Reader.ReadAsync("Patient", "a"))!.VersionId);
        Assert.Equal(successful + 1, (await Reader.HistoryAsync(new HistoryQuery("Patient", "a", null, 1000))).Entries.Count);
    }

    // ---- helpers ------------------------------------------------------------------------

    /// <summary>Creates a database that the test's disposal drops.</summary>
    protected async Task<StorageOptions> NewDatabaseAsync()
    {
        var database = await CreateDatabaseAsync();
        databases.Add(database);
        return database;
    }

    /// <summary>Opens a store that the test's disposal closes.</summary>
    protected async Task<IFhirStore> OpenStoreAsync(StorageOptions database, bool initialize = true)
    {
        var store = FhirStores.Open(database);
        stores.Add(store);
        if (initialize) await store.InitializeAsync();
        return store;
    }

    /// <summary>The options of the test's database.</summary>
    protected StorageOptions Options => options;

    private static SearchCriterion IdentifierCriterion() => TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "42", true));

    // The REST layer's conditional create: lock the condition, search, create when nothing matches.
    private static async Task<int> RunConditionalCreatesAsync(IReadOnlyList<IFhirStore> targets, int sessions)
    {
        var query = Query("Patient", IdentifierCriterion());
        var results = await Task.WhenAll(Enumerable.Range(0, sessions).Select(n => Task.Run(() => RetryOnConflictAsync(async () =>
        {
            await using var session = await targets[n % targets.Count].BeginWriteAsync();
            await session.LockConditionAsync("Patient?identifier=urn:sys|42");
            if ((await session.SearchIdsAsync(query, Fhir.Storage.Access.ReadScope.Everything, 2)).Count > 0) return false;
            await session.WriteAsync(Create("Patient", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, Token("identifier", "urn:sys", "42")));
            await session.CommitAsync();
            return true;
        }))));
        return results.Count(created => created);
    }

    private static async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> unitOfWork)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await unitOfWork();
            }
            catch (WriteConflictException) when (attempt < 100)
            {
            }
        }
    }

    // a1 (T0), b1 (+1), c1 Observation (+2), a2 (+3), a3 delete (+4).
    private async Task WriteHistoryCorpusAsync()
    {
        await WriteAsync(Create("Patient", "a", T0));
        await WriteAsync(Create("Patient", "b", T0.AddMinutes(1)));
        await WriteAsync(Create("Observation", "c", T0.AddMinutes(2)));
        await WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(3)));
        await WriteAsync(Delete("Patient", "a", 3, T0.AddMinutes(4)));
    }

    private static string[] Keys(HistoryPage page) => page.Entries.Select(e => $"{e.Type}/{e.Id}/{e.VersionId}").ToArray();

    /// <summary>Writes and commits in one session.</summary>
    protected async Task WriteAsync(params ResourceWrite[] writes)
    {
        await using var session = await Store.BeginWriteAsync();
        foreach (var write in writes) await session.WriteAsync(write);
        await session.CommitAsync();
    }

    /// <summary>Ids of all matches, in result order.</summary>
    protected async Task<string[]> SearchIdsAsync(string? type, params SearchCriterion[] criteria)
    {
        var page = await Reader.SearchAsync(new SearchQuery(type, criteria, 1000));
        return page.Resources.Select(r => r.Id).ToArray();
    }

    protected static SearchQuery Query(string? type, params SearchCriterion[] criteria) => new(type, criteria);

    protected static SearchCriterion TokenCriterion(string code, string? modifier, params TokenSearchValue[] values) =>
        new(code, SearchParamType.Token, modifier, values);

    protected static TokenIndexValue Token(string code, string? system, string? value, string? text = null) => new(code, system, value, text);

    protected static byte[] Json(string type, string id, int version) =>
        Encoding.UTF8.GetBytes($"{{\"resourceType\":\"{type}\",\"id\":\"{id}\",\"meta\":{{\"versionId\":\"{version}\"}}}}");

    protected static ResourceWrite Create(string type, string id, DateTimeOffset? at = null, params IndexValue[] index) =>
        new(type, id, 1, at ?? T0, WriteMethod.Create, Json(type, id, 1), index, Patients(type, id, index));

    protected static ResourceWrite Update(string type, string id, int version, DateTimeOffset at, params IndexValue[] index) =>
        new(type, id, version, at, WriteMethod.Update, Json(type, id, version), index, Patients(type, id, index));

    protected static ResourceWrite Delete(string type, string id, int version, DateTimeOffset at) =>
        new(type, id, version, at, WriteMethod.Delete, ReadOnlyMemory<byte>.Empty, [], []);

    // As the server computes it: a Patient is in its own compartment, others through their subject/patient references.
    private static string[] Patients(string type, string id, IndexValue[] index) =>
        [.. (type == "Patient" ? [id] : Array.Empty<string>()).Concat(index.OfType<ReferenceIndexValue>()
            .Where(r => r.TargetType == "Patient" && r.Code is "subject" or "patient" && r.TargetId is not null).Select(r => r.TargetId!)).Distinct()];
}
