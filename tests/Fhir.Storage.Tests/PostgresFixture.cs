using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Fhir.Storage.Tests;

/// <summary>
/// Gives PostgreSQL tests a server, once for the whole test run: the server named by the
/// <c>FHIR_TEST_POSTGRES</c> connection string (e.g. <c>Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres</c>),
/// or else a private throwaway cluster started from the PostgreSQL binaries installed under
/// <c>/usr/lib/postgresql/*/bin</c> (initdb into a temp folder, as the <c>postgres</c> user when
/// running as root, on a free loopback port, stopped and deleted at the end: by <see cref="DisposeAsync"/>, and in any case
/// by a janitor process that waits for the test process to end, however it ends). Tests get a fresh
/// database each from <see cref="CreateDatabaseAsync"/>. When neither works, every test that asks
/// fails with a message saying how to provide PostgreSQL: they never pass silently.
/// </summary>
/// <remarks>Self-contained (Npgsql and xunit only) so other test projects can link this file.</remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The environment variable holding an admin connection string.</summary>
    public const string EnvironmentVariable = "FHIR_TEST_POSTGRES";

    private readonly int ownerProcessId;
    private readonly string? configured;
    private readonly string tempRoot;
    private string? adminConnectionString;
    private string? clusterFolder;
    private string? binFolder;
    private bool asPostgresUser;
    private Exception? unavailable;

    /// <summary>Uses <c>FHIR_TEST_POSTGRES</c>, or a private cluster in the temp folder that lives as long as this process.</summary>
    public PostgresFixture()
        : this(Environment.ProcessId, Environment.GetEnvironmentVariable(EnvironmentVariable), System.IO.Path.GetTempPath())
    {
    }

    /// <param name="ownerProcessId">The process whose end removes the private cluster (its janitor waits for it).</param>
    /// <param name="configured">An admin connection string to use instead of a private cluster; null for one.</param>
    /// <param name="tempRoot">Where the private cluster's folder goes.</param>
    internal PostgresFixture(int ownerProcessId, string? configured, string tempRoot)
    {
        this.ownerProcessId = ownerProcessId;
        this.configured = configured;
        this.tempRoot = tempRoot;
    }

    /// <summary>The private cluster's folder (null when the server is <c>FHIR_TEST_POSTGRES</c>'s).</summary>
    internal string? ClusterFolder => clusterFolder;

    /// <summary>The admin connection string (null when there is no server).</summary>
    internal string? AdminConnection => adminConnectionString;

    /// <summary>Where the server comes from, for diagnostics.</summary>
    public string Source { get; private set; } = "none";

    public async Task InitializeAsync()
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(configured))
            {
                adminConnectionString = AdminConnectionString(configured);
                Source = EnvironmentVariable;
            }
            else
            {
                await StartPrivateClusterAsync();
                Source = "private cluster in " + clusterFolder;
            }
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception e)
        {
            unavailable = e;
        }
    }

    public async Task DisposeAsync()
    {
        if (clusterFolder is null) return;
        try
        {
            await RunAsync(Tool("pg_ctl"), ["-D", System.IO.Path.Combine(clusterFolder, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped; deleting the folder is all that is left.
        }
        // The server's last processes may still be removing their files for a moment.
        for (var attempt = 1; attempt <= 20 && Directory.Exists(clusterFolder); attempt++)
        {
            try
            {
                Directory.Delete(clusterFolder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (unavailable is not null || adminConnectionString is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not available for the PostgreSQL tests. Either set " + EnvironmentVariable
                + " to an admin connection string (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres),"
                + " or install the PostgreSQL server binaries (apt-get install postgresql: initdb and pg_ctl under"
                + " /usr/lib/postgresql/<version>/bin) so the tests can start a private cluster. Cause: "
                + (unavailable?.Message ?? "no server"),
                unavailable);
        }

        var name = "fhir_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE DATABASE " + name, connection);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, ending any session still on it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        if (adminConnectionString is null) return;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (name is null || !name.StartsWith("fhir_test_", StringComparison.Ordinal)) return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    // Admin work connects to the maintenance database without pooling, so DROP DATABASE never waits on it.
    private static string AdminConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    private async Task StartPrivateClusterAsync()
    {
        binFolder = FindBinFolder() ?? throw new InvalidOperationException(
            EnvironmentVariable + " is not set and no initdb/pg_ctl was found under /usr/lib/postgresql/*/bin or on PATH.");
        asPostgresUser = Environment.UserName == "root";

        clusterFolder = System.IO.Path.Combine(tempRoot, "fhir-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(clusterFolder);
        if (asPostgresUser)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["-R", "postgres:postgres", clusterFolder], asUser: false);
        }

        StartJanitor();
        var data = System.IO.Path.Combine(clusterFolder, "data");
        await RunAsync(Tool("initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);

        var port = FreePort();
        // Durability is pointless for a throwaway cluster: no fsync keeps CREATE DATABASE and commits fast.
        var options = $"-p {port} -k {clusterFolder} -c listen_addresses=127.0.0.1 -c max_connections=200"
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunAsync(Tool("pg_ctl"), ["-D", data, "-l", System.IO.Path.Combine(clusterFolder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);

        adminConnectionString = AdminConnectionString($"Host=127.0.0.1;Port={port};Username=postgres");
    }

    private string Tool(string name) => System.IO.Path.Combine(binFolder!, name);

    /// <summary>
    /// Starts a detached shell that waits for this process to end, then stops the cluster and deletes its folder. The
    /// test host does not always run its exit handlers (it may be killed once the results are in), and a cluster of
    /// 55 MB per run must not be left behind; when <see cref="DisposeAsync"/> got there first, nothing is left to do.
    /// </summary>
    private void StartJanitor()
    {
        var pgctl = asPostgresUser ? $"runuser -u postgres -- '{Tool("pg_ctl")}'" : $"'{Tool("pg_ctl")}'";
        var script = $"while kill -0 {ownerProcessId} 2>/dev/null; do sleep 1; done; "
            + $"if [ -d '{clusterFolder}/data' ]; then {pgctl} -D '{clusterFolder}/data' -m immediate -w stop; fi; rm -rf '{clusterFolder}'";
        // The outer shell starts the janitor in the background and exits, so the janitor is nobody's child: killing
        // the test host's process tree leaves it running until its work is done.
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var a in (string[])["-c", "sh -c \"$1\" </dev/null >/dev/null 2>&1 &", "fhir-pg-janitor", script]) start.ArgumentList.Add(a);
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start the cluster's janitor.");
        launcher.WaitForExit();
    }

    private static string? FindBinFolder()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            // Newest major version first.
            var versions = Directory.GetDirectories("/usr/lib/postgresql");
            Array.Sort(versions, (a, b) => VersionOf(b).CompareTo(VersionOf(a)));
            foreach (var version in versions)
            {
                var bin = System.IO.Path.Combine(version, "bin");
                if (File.Exists(System.IO.Path.Combine(bin, "initdb")) && File.Exists(System.IO.Path.Combine(bin, "pg_ctl"))) return bin;
            }
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(System.IO.Path.Combine(dir, "initdb")) && File.Exists(System.IO.Path.Combine(dir, "pg_ctl"))) return dir;
        }
        return null;
    }

    private static int VersionOf(string folder) => int.TryParse(System.IO.Path.GetFileName(folder), out var v) ? v : 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string program, string[] arguments, bool? asUser = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user may not be allowed into the test's working folder.
            WorkingDirectory = clusterFolder ?? System.IO.Path.GetTempPath(),
        };
        if (asUser ?? asPostgresUser)
        {
            start.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", program]) start.ArgumentList.Add(a);
        }
        else
        {
            start.FileName = program;
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}

/// <summary>The tests that share one <see cref="PostgresFixture"/> (they run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection name for <c>[Collection(PostgresCollection.Name)]</c>.</summary>
    public const string Name = "Postgres";
}
