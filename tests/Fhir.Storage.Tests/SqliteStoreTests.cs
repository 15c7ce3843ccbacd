using Fhir.Search.Indexing;
using Fhir.Search.Queries;
using Fhir.Storage.Sql;
using Fhir.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Tests;

/// <summary>The store tests on SQLite: a database file in a new temp folder per database.</summary>
public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<StorageOptions> CreateDatabaseAsync()
    {
        // A folder that does not exist yet: the store must create it.
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-storage-tests-" + Guid.NewGuid().ToString("N"), "db", "fhir.db");
        return Task.FromResult(new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={file}" });
    }

    protected override Task DropDatabaseAsync(StorageOptions database)
    {
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(file))!;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private protected override SqlDialect Dialect => SqliteDialect.Instance;

    protected override async Task ExecuteSqlAsync(StorageOptions database, string sql)
    {
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        await using var connection = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<long> ScalarAsync(StorageOptions database, string sql)
    {
        await using var connection = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // SQLite plans without statistics: these shapes once walked a whole index (a chain scanned every reference
    // row of its code, a date sort read the (code, high) index for each resource: seconds at 25,000 resources).
    public static TheoryData<string, SearchQuery> PlanShapes()
    {
        var name = new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("smith")]);
        var code = new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue("L", "1", true)]);
        var composite = new SearchCriterion("cv", SearchParamType.Composite, null, [new CompositeSearchValue([
            new SearchCriterion("cv$0", SearchParamType.Token, null, [new TokenSearchValue("L", "1", true)]),
            new SearchCriterion("cv$1", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Ge, 8, 7.5m, 8.5m, null, null)])])]);
        static SearchCriterion Date(SearchPrefix prefix) => new("date", SearchParamType.Date, null,
            [new DateSearchValue(prefix, new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2015, 12, 31, 23, 59, 59, DateTimeKind.Utc))]);
        return new()
        {
            { "chain", new SearchQuery("Observation", [new SearchCriterion("subject", SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], name)])]) },
            { "chain2", new SearchQuery("Observation", [new SearchCriterion("subject", SearchParamType.Reference, null,
                [new ChainSearchValue(["Patient"], new SearchCriterion("organization", SearchParamType.Reference, null, [new ChainSearchValue(["Organization"], name)]))])]) },
            { "has", new SearchQuery("Patient", [new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue("Observation", "subject", code)])]) },
            { "sort", new SearchQuery("Observation", [code]) { Sort = [new SortKey("date", SearchParamType.Date, SortDirection.Descending)] } },
            { "composite", new SearchQuery("Observation", [composite]) },
            // The code drives; the others are probes per candidate, on the (res_key, code) indexes.
            { "code and date range", new SearchQuery("Observation", [code, Date(SearchPrefix.Ge), Date(SearchPrefix.Lt)]) },
            { "date range then code", new SearchQuery("Observation", [Date(SearchPrefix.Ge), code]) },
            // A date that drives reads each half of ge/le from its own index.
            { "date ge alone", new SearchQuery("Observation", [Date(SearchPrefix.Ge)]) },
            { "date le alone", new SearchQuery("Observation", [Date(SearchPrefix.Le)]) },
            { "code and quantity", new SearchQuery("Observation", [code,
                new SearchCriterion("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Ge, 8, 7.5m, 8.5m, null, null)])]) },
            { "code and composite", new SearchQuery("Observation", [code, composite]) },
            { "code and patient", new SearchQuery("Observation", [code,
                new SearchCriterion("subject", SearchParamType.Reference, null, [new ReferenceSearchValue("Patient", "a", null)])]) },
        };
    }

    [Theory]
    [MemberData(nameof(PlanShapes))]
    public async Task Joined_and_sorted_searches_drive_from_the_selective_criterion_without_full_scans(string shape, SearchQuery query)
    {
        await WriteAsync(Create("Patient", "a"));
        var p = new SqlParams();
        var sql = SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, p);

        var plan = await PlanAsync(sql, p);

        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN", StringComparison.Ordinal));
        // Every index read is bounded by more than the parameter code.
        Assert.DoesNotContain(plan, line => line.EndsWith("(code=?)", StringComparison.Ordinal));
        Assert.True(plan.Count > 2, shape);
    }

    [Fact]
    public async Task An_include_starts_from_its_sources_and_reads_their_own_reference_rows()
    {
        await WriteAsync(Create("Patient", "a"));
        var p = new SqlParams();
        var request = new IncludeRequest(IncludeDirection.Include, [new ResourceRef("Observation", "o1")], "Observation", ["subject"], null, 100);
        var sql = IncludeSql.Include(request, ["o1", "o2"], 100, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, p);

        var plan = await PlanAsync(sql, p);

        // Reading the (code, target...) index would walk every `subject` row in the store.
        Assert.DoesNotContain(plan, line => line.Contains("ix_reference_key", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("ix_reference_res", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bounded_counts_drive_a_search_from_its_smallest_criterion()
    {
        // 300 Observations of code L|1 in 2015, one of them also dated 1950; 5 of L|2.
        var writes = Enumerable.Range(0, 300).Select(i => Create("Observation", "o" + i, null, Token("code", "L", "1"),
            new DateIndexValue("date", new DateTime(i == 7 ? 1950 : 2015, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(i == 7 ? 1950 : 2015, 3, 1, 23, 59, 59, DateTimeKind.Utc))))
            .Concat(Enumerable.Range(0, 5).Select(i => Create("Observation", "q" + i, null, Token("code", "L", "2"))));
        await WriteAsync([.. writes]);
        var common = TokenCriterion("code", null, new TokenSearchValue("L", "1", true));
        var rare = TokenCriterion("code", null, new TokenSearchValue("L", "2", true));
        var before1951 = new SearchCriterion("date", SearchParamType.Date, null,
            [new DateSearchValue(SearchPrefix.Lt, new DateTime(1951, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1951, 12, 31, 23, 59, 59, DateTimeKind.Utc))]);
        await using var link = new SqliteLink(Options.ConnectionString!, l => l.Close());

        // The code ranks first by shape, but the range names one resource.
        var plan = await SearchPlanner.PlanAsync(link, new SearchQuery("Observation", [common, before1951]), Fhir.Storage.Access.ReadScope.Everything, page: true, default);
        Assert.Same(before1951, plan?.Driver);
        Assert.Equal(["o7"], await SearchIdsAsync("Observation", common, before1951));
        // A rare code stays the driver.
        plan = await SearchPlanner.PlanAsync(link, new SearchQuery("Observation", [before1951, rare]), Fhir.Storage.Access.ReadScope.Everything, page: true, default);
        Assert.True(plan?.Driver is null || ReferenceEquals(plan.Driver, rare));
        Assert.Empty(await SearchIdsAsync("Observation", before1951, rare));
    }

    public static TheoryData<SearchCriterion> CountedCriteria()
    {
        var day = (Low: new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc), High: new DateTime(2015, 1, 1, 23, 59, 59, DateTimeKind.Utc));
        var data = new TheoryData<SearchCriterion>
        {
            new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue("L", "1", true), new TokenSearchValue(null, "2", false)]),
            new SearchCriterion("subject", SearchParamType.Reference, null, [new ReferenceSearchValue("Patient", "a", "http://x/Patient/a")]),
            new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("smi")]),
            new SearchCriterion("url", SearchParamType.Uri, null, [new UriSearchValue("http://x")]),
            new SearchCriterion("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Ge, 8, 7.5m, 8.5m, null, null)]),
            new SearchCriterion("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Le, 5.4m, 5.35m, 5.45m, "http://unitsofmeasure.org", "mg", 0.0054m, "g")]),
            new SearchCriterion("probability", SearchParamType.Number, null, [new NumberSearchValue(SearchPrefix.Eq, 8, 7.5m, 8.5m)]),
        };
        foreach (var prefix in new[] { SearchPrefix.Eq, SearchPrefix.Gt, SearchPrefix.Ge, SearchPrefix.Lt, SearchPrefix.Le, SearchPrefix.Sa, SearchPrefix.Eb })
            data.Add(new SearchCriterion("date", SearchParamType.Date, null, [new DateSearchValue(prefix, day.Low, day.High)]));
        return data;
    }

    [Theory]
    [MemberData(nameof(CountedCriteria))]
    public async Task The_planners_counts_read_a_bounded_stretch_of_an_index(SearchCriterion criterion)
    {
        await WriteAsync(Create("Patient", "a"));
        var p = new SqlParams();
        var sql = SearchSqlBuilder.CappedRows(criterion, 2000, SqliteDialect.Instance, p);
        Assert.NotNull(sql);

        var plan = await PlanAsync(sql, p);

        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN i", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.EndsWith("(code=?)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_planner_does_not_count_what_it_cannot_bound()
    {
        var p = new SqlParams();
        Assert.Null(SearchSqlBuilder.CappedRows(new SearchCriterion("code", SearchParamType.Token, "not", [new TokenSearchValue(null, "1", false)]), 10, SqliteDialect.Instance, p));
        Assert.Null(SearchSqlBuilder.CappedRows(new SearchCriterion("date", SearchParamType.Date, null,
            [new DateSearchValue(SearchPrefix.Ne, DateTime.UnixEpoch, DateTime.UnixEpoch)]), 10, SqliteDialect.Instance, p));
        Assert.Null(SearchSqlBuilder.CappedRows(new SearchCriterion("name", SearchParamType.String, "contains", [new StringSearchValue("mi")]), 10, SqliteDialect.Instance, p));
    }

    private async Task<List<string>> PlanAsync(string sql, SqlParams p)
    {
        await using var connection = new SqliteConnection(Options.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        p.BindTo(cmd);
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return plan;
    }

    [Fact]
    public async Task The_database_file_is_created_in_WAL_mode()
    {
        await WriteAsync(Create("Patient", "a"));

        await using var connection = new SqliteConnection(Options.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    // ---- issue 12 item 24: the database is the server user's only ---------------------------

    [Fact]
    public async Task Issue12_item24_the_data_folder_and_the_database_wal_and_shm_files_are_created_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        await WriteAsync(Create("Patient", "a")); // the store keeps its connections open: -wal and -shm exist now
        var file = new SqliteConnectionStringBuilder(Options.ConnectionString).DataSource;
        var folder = System.IO.Path.GetDirectoryName(file)!;

        // The test asked for two folders that did not exist (…/<guid>/db): both are created 0700.
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(folder));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(System.IO.Path.GetDirectoryName(folder)!));
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            Assert.True(File.Exists(path), path);
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_database_created_in_an_existing_folder_is_owner_only_and_the_folder_is_left_as_it_was()
    {
        if (OperatingSystem.IsWindows()) return;
        var folder = Directory.CreateTempSubdirectory("fhir-owner-only-");
        try
        {
            const UnixFileMode Shared = OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(folder.FullName, Shared);
            var file = System.IO.Path.Combine(folder.FullName, "other.db");
            await using (var store = new SqliteFhirStore($"Data Source={file}"))
            {
                await store.InitializeAsync();
                await using var session = await store.BeginWriteAsync();
                await session.WriteAsync(Create("Patient", "a"));
                await session.CommitAsync();
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file + "-wal"));
            }
            Assert.Equal(Shared, File.GetUnixFileMode(folder.FullName));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // ---- group commit: sessions that wait for the writer share its transaction --------------

    [Fact]
    public async Task Waiting_sessions_join_the_open_transaction_and_no_commit_completes_before_the_group_commits()
    {
        var (a, aCommitted, bStarting) = await GroupOfTwoAsync();

        // b was waiting, so the transaction stays open for it: a's commit is not acknowledged yet,
        // readers do not see a, and b (same transaction) does.
        var b = await bStarting;
        Assert.False(aCommitted.IsCompleted);
        Assert.Null(await Reader.ReadAsync("Patient", "a"));
        Assert.Equal(1, (await b.ReadForUpdateAsync("Patient", "a"))!.VersionId);

        // b ends without writing; having read a, it waits for the group to end.
        var cStarting = Store.BeginWriteAsync();
        await WaitForWaitingSessionsAsync(1);
        var bDisposed = b.DisposeAsync().AsTask();
        var c = await cStarting;
        Assert.False(bDisposed.IsCompleted);

        // Nobody waits after c: its commit commits the group, which completes a's commit too.
        await c.WriteAsync(Create("Patient", "c"));
        await c.CommitAsync();
        await aCommitted.WaitAsync(TimeSpan.FromSeconds(10));
        await bDisposed.WaitAsync(TimeSpan.FromSeconds(10));
        await a.DisposeAsync();
        await c.DisposeAsync();

        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
        Assert.NotNull(await Reader.ReadAsync("Patient", "c"));
    }

    [Fact]
    public async Task A_session_opened_to_roll_back_starts_a_group_of_its_own_so_that_its_rollback_undoes_nobody_elses_writes()
    {
        var (a, aCommitted, bStarting) = await GroupOfTwoAsync(bMayRollBack: true);

        // b's turn begins with the commit of the group a is in.
        var b = await bStarting;
        await aCommitted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));

        var cStarting = Store.BeginWriteAsync();
        await WaitForWaitingSessionsAsync(1);
        await b.WriteAsync(Create("Patient", "b"));
        await b.WriteAsync(Create("Patient", "b2"));
        await b.DisposeAsync(); // rolled back: it was alone in its transaction

        await using (var c = await cStarting)
        {
            await c.WriteAsync(Create("Patient", "c"));
            await c.CommitAsync();
        }
        await a.DisposeAsync();
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
        Assert.Null(await Reader.ReadAsync("Patient", "b"));
        Assert.Null(await Reader.ReadAsync("Patient", "b2"));
        Assert.NotNull(await Reader.ReadAsync("Patient", "c"));
    }

    // Sessions have no savepoint (issue 18): what decides is whether the session changed a row.
    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    [InlineData("delete")]
    [InlineData("audit")]
    public async Task A_session_that_wrote_and_rolls_back_takes_the_group_with_it_and_its_members_get_a_write_conflict(string write)
    {
        await WriteAsync(Create("Patient", "existing", index: Token("identifier", "urn:sys", "1")));
        var (a, aCommitted, bStarting) = await GroupOfTwoAsync();

        await using (var b = await bStarting)
        {
            switch (write)
            {
                case "create": await b.WriteAsync(Create("Patient", "b")); break;
                case "update": await b.WriteAsync(Update("Patient", "existing", 2, T0, Token("identifier", "urn:sys", "2"))); break;
                case "delete": await b.WriteAsync(Delete("Patient", "existing", 2, T0)); break;
                default: await b.AppendAuditAsync("{\"resourceType\":\"AuditEvent\"}"u8.ToArray()); break;
            }
            // Disposed without a commit.
        }

        await Assert.ThrowsAsync<WriteConflictException>(() => aCommitted.WaitAsync(TimeSpan.FromSeconds(10)));
        await a.DisposeAsync();
        Assert.Null(await Reader.ReadAsync("Patient", "a"));
        Assert.Null(await Reader.ReadAsync("Patient", "b"));
        var existing = await Reader.ReadAsync("Patient", "existing");
        Assert.Equal(1, existing!.VersionId);
        Assert.False(existing.IsDeleted);
        Assert.Single((await Reader.SearchAsync(Query("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))))).Resources);
        Assert.Equal(0, await Store.PendingAuditAsync());

        // The retry (what WriteUnit does with the conflict) runs in a new transaction.
        await WriteAsync(Create("Patient", "a"));
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
    }

    [Fact]
    public async Task A_session_that_only_read_or_failed_a_check_rolls_back_without_touching_the_group()
    {
        await WriteAsync(Create("Patient", "existing"));
        var (a, aCommitted, bStarting) = await GroupOfTwoAsync();

        var cStarting = Store.BeginWriteAsync();
        var b = await bStarting;
        Assert.NotNull(await b.ReadForUpdateAsync("Patient", "a"));
        // A version that exists already is refused by the statement that would have added it: no row changes.
        await Assert.ThrowsAsync<WriteConflictException>(() => b.WriteAsync(Create("Patient", "existing")));
        await WaitForWaitingSessionsAsync(1);
        // Having read a, b's disposal waits for the group, which c's commit ends.
        var bDisposed = b.DisposeAsync().AsTask();
        await using (var c = await cStarting)
        {
            await c.WriteAsync(Create("Patient", "c"));
            await c.CommitAsync();
        }

        await bDisposed.WaitAsync(TimeSpan.FromSeconds(10));
        await aCommitted.WaitAsync(TimeSpan.FromSeconds(10));
        await a.DisposeAsync();
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
        Assert.NotNull(await Reader.ReadAsync("Patient", "c"));
        Assert.Equal(1, (await Reader.ReadAsync("Patient", "existing"))!.VersionId);
    }

    [Fact]
    public async Task Statements_whose_journal_outgrows_memory_and_sessions_opened_to_roll_back_write_as_any_other()
    {
        // 2 MB of outbox records: taking them is one DELETE whose statement journal passes the in-memory limit.
        var record = new byte[4096];
        Array.Fill(record, (byte)' ');
        "{\"resourceType\":\"AuditEvent\"}"u8.CopyTo(record);
        await using (var session = await Store.BeginWriteAsync())
        {
            for (var i = 0; i < 500; i++) await session.AppendAuditAsync(record);
            await session.CommitAsync();
        }
        await using (var session = await Store.BeginWriteAsync(mayRollBack: true))
        {
            Assert.Equal(500, (await session.TakeAuditAsync(1000)).Count);
            for (var i = 0; i < 300; i++)
            {
                await session.WriteAsync(Create("Observation", "o" + i, index: [.. Enumerable.Range(0, 20).Select(k => (IndexValue)Token("code", "urn:sys", $"{i}-{k}"))]));
            }
            await session.CommitAsync();
        }
        Assert.Equal(0, await Store.PendingAuditAsync());
        Assert.Single((await Reader.SearchAsync(Query("Observation", TokenCriterion("code", null, new TokenSearchValue("urn:sys", "299-19", true))))).Resources);
    }

    [Fact]
    public async Task Trimming_memory_frees_the_writers_cache_after_the_session_holding_it_ends_and_writes_go_on()
    {
        var store = (SqliteFhirStore)Store;
        await WriteAsync([.. Enumerable.Range(0, 3000).Select(i => Create("Observation", "o" + i, index: [.. Enumerable.Range(0, 8).Select(k => (IndexValue)Token("code", "urn:sys", $"{i}-{k}"))]))]);
        var loaded = store.WriterCacheBytes;
        Assert.True(loaded > 1_000_000, $"the writer's cache holds {loaded} bytes after 3,000 resources");

        // A trim waits for the session that holds the writer, whose writes then land as any other.
        Task trim;
        await using (var session = await Store.BeginWriteAsync())
        {
            trim = Store.TrimMemoryAsync();
            await Task.Delay(50);
            Assert.False(trim.IsCompleted);
            await session.WriteAsync(Create("Observation", "during", index: Token("code", "urn:sys", "during")));
            await session.CommitAsync();
        }
        await trim;

        Assert.True(store.WriterCacheBytes < loaded / 4, $"{store.WriterCacheBytes} bytes left of {loaded}");
        await WriteAsync(Create("Observation", "after", index: Token("code", "urn:sys", "after")));
        foreach (var code in new[] { "2999-7", "during", "after" })
        {
            Assert.Single((await Reader.SearchAsync(Query("Observation", TokenCriterion("code", null, new TokenSearchValue("urn:sys", code, true))))).Resources);
        }
    }

    [Fact]
    public async Task Readers_opened_under_concurrent_reads_stay_open_for_the_next_and_trimming_closes_those_beyond_the_resting_number()
    {
        var store = (SqliteFhirStore)Store;
        await WriteAsync(Create("Patient", "p"));
        // Forty reads in flight at once: each needs a reader of its own.
        var leases = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => store.LeaseForReadAsync(default).AsTask()));
        foreach (var lease in leases) await lease.DisposeAsync();
        Assert.Equal(40, store.IdleReaders);

        await Store.TrimMemoryAsync();
        Assert.InRange(store.IdleReaders, 1, Math.Max(4, Environment.ProcessorCount * 2));
        Assert.NotNull(await Reader.ReadAsync("Patient", "p"));
    }

    [Fact]
    public void Statement_journals_stay_in_memory_up_to_the_configured_size()
    {
        // Set when the assembly loads, before SQLite starts; if another component started SQLite first it stays at 64 KiB.
        Assert.True(SqliteLink.StatementJournalSpillSet);
    }

    [Fact]
    public async Task When_the_shared_transaction_is_lost_every_member_that_committed_into_it_gets_a_write_conflict()
    {
        var (a, aCommitted, bStarting) = await GroupOfTwoAsync();

        await using (var b = await bStarting)
        {
            // What SQLite does after some errors (SQLITE_FULL, SQLITE_IOERR...): roll the whole transaction back.
            ((DbLease)b).Command("ROLLBACK").ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<WriteConflictException>(() => aCommitted);
        await a.DisposeAsync();
        Assert.Null(await Reader.ReadAsync("Patient", "a"));

        // The retry runs in a new transaction.
        await WriteAsync(Create("Patient", "a"));
        Assert.NotNull(await Reader.ReadAsync("Patient", "a"));
    }

    [Fact]
    public async Task Every_commit_of_parallel_sessions_is_visible_to_readers_once_it_returns()
    {
        const int Writers = 16, WritesEach = 25;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                var id = $"w{w}-{i}";
                await using (var session = await Store.BeginWriteAsync())
                {
                    await session.WriteAsync(Create("Patient", id, index: Token("identifier", "urn:sys", id)));
                    await session.CommitAsync();
                }
                Assert.NotNull(await Reader.ReadAsync("Patient", id));
            }
        })));

        Assert.Equal(Writers * WritesEach, (await Reader.SearchAsync(new SearchQuery("Patient", [], 1000))).Resources.Count);
    }

    [Fact]
    public async Task Audit_records_of_reads_go_to_a_journal_of_their_own_and_once_stored_are_never_taken_again()
    {
        var file = new SqliteConnectionStringBuilder(Options.ConnectionString).DataSource + SqliteAuditJournal.FileSuffix;
        await Store.AppendAuditAsync([Bytes("r1"), Bytes("r2"), Bytes("r3")]);
        Assert.Equal(0, await ScalarAsync(Options, "SELECT COUNT(*) FROM audit_outbox"));
        Assert.Equal(3, await JournalScalarAsync(file, "SELECT COUNT(*) FROM audit_journal"));

        await using (var session = await Store.BeginWriteAsync())
        {
            await session.AppendAuditAsync(Bytes("w1"));
            Assert.Equal(["w1", "r1", "r2", "r3"], Texts(await session.TakeAuditAsync(10)));
            await session.CommitAsync();
        }
        Assert.Equal(0, await JournalScalarAsync(file, "SELECT COUNT(*) FROM audit_journal"));
        var mark = await ScalarAsync(Options, "SELECT seq FROM audit_journal_mark");

        // As if the process had stopped between the commit and the journal's delete: the records are there again.
        await JournalScalarAsync(file, $"INSERT INTO audit_journal (seq, json) VALUES ({mark - 2}, 'r1'), ({mark - 1}, 'r2'), ({mark}, 'r3'); SELECT 0");
        Assert.True(await Store.PendingAuditAsync() > 0);
        await using (var session = await Store.BeginWriteAsync())
        {
            Assert.Empty(await session.TakeAuditAsync(10));
            await session.CommitAsync();
        }
        Assert.Equal(0, await Store.PendingAuditAsync());

        // A journal replaced by a new file starts from its beginning, whatever the old one's mark.
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        await using var reopened = await OpenStoreAsync(Options);
        await reopened.AppendAuditAsync([Bytes("n1")]);
        await using (var session = await reopened.BeginWriteAsync())
        {
            Assert.Equal(["n1"], Texts(await session.TakeAuditAsync(10)));
            await session.CommitAsync();
        }
    }

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string[] Texts(IReadOnlyList<ReadOnlyMemory<byte>> records) => [.. records.Select(r => System.Text.Encoding.UTF8.GetString(r.Span))];

    private static async Task<long> JournalScalarAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // a writes Patient/a and commits while b waits for the writer: b joins a's group unless it may roll back.
    private async Task<(IWriteSession A, Task ACommitted, Task<IWriteSession> BStarting)> GroupOfTwoAsync(bool bMayRollBack = false)
    {
        var a = await Store.BeginWriteAsync();
        var bStarting = Store.BeginWriteAsync(bMayRollBack);
        await WaitForWaitingSessionsAsync(1);
        await a.WriteAsync(Create("Patient", "a"));
        return (a, a.CommitAsync(), bStarting);
    }

    private async Task WaitForWaitingSessionsAsync(int count)
    {
        var store = (SqliteFhirStore)Store;
        store.MaxGroupTicks = long.MaxValue; // the steps of a test must not outlast the group's time bound
        for (var waited = 0; store.WaitingSessions < count; waited++)
        {
            Assert.True(waited < 10_000, "The session never started waiting for the writer.");
            await Task.Delay(1);
        }
    }
}
