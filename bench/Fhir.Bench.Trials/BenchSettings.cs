namespace Fhir.Bench.Trials;

/// <summary>What every scenario needs: where the server and the repository are, the stores, and how much to measure.</summary>
internal sealed class BenchSettings
{
    public required string Repository { get; init; }
    public required string ServerDll { get; init; }
    public required string Work { get; init; }
    public required string Postgres { get; init; }
    public required IReadOnlyList<string> Stores { get; init; }
    public int Seed { get; init; }
    public int Calls { get; init; }
    public int ColdRuns { get; init; }
    public int Clients { get; init; }

    /// <summary>Keep the databases after the run (for the split scenario).</summary>
    public bool Keep { get; init; }

    /// <summary>A fresh store of <paramref name="store"/> (sqlite or postgres) for a run, and how to drop it.</summary>
    public async Task<(string Provider, string Connection, Func<ValueTask> Drop)> NewStoreAsync(string store, string label)
    {
        switch (store)
        {
            case "sqlite":
                var file = System.IO.Path.Combine(Work, $"{label}.db");
                return ("Sqlite", $"Data Source={file}", () =>
                {
                    if (Keep)
                    {
                        Console.WriteLine($"kept {file}");
                        return ValueTask.CompletedTask;
                    }
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    foreach (var f in Directory.GetFiles(Work, $"{label}.db*"))
                    {
                        File.Delete(f);
                    }
                    return ValueTask.CompletedTask;
                });
            case "postgres":
                var database = await PostgresDatabase.CreateAsync(Postgres, label.Replace('-', '_'));
                return ("Postgres", database.ConnectionString, () =>
                {
                    if (Keep)
                    {
                        Console.WriteLine($"kept {database.ConnectionString}");
                        return ValueTask.CompletedTask;
                    }
                    return database.DisposeAsync();
                });
            default:
                throw new ArgumentException($"Unknown store '{store}' (sqlite, postgres).");
        }
    }

    public Task<ServerProcess> StartServerAsync(string provider, string connection, string label) =>
        ServerProcess.StartAsync(ServerDll, Repository, provider, connection, System.IO.Path.Combine(Work, $"server-{label}.log"));
}
