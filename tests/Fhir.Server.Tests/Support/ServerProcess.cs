using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// The real server as a separate OS process (the built Fhir.Server.dll, or a published one), for what an in-memory host
/// cannot show: several processes on one database, a process killed with SIGKILL mid-write, start-up in an environment,
/// a published server started from another folder. Each process runs in a scratch folder of its own (its working
/// directory, its signing key), deleted when it is disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _scratch;

    private ServerProcess(Process process, StringBuilder output, string scratch, Uri baseAddress)
    {
        _process = process;
        _output = output;
        _scratch = scratch;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client whose base address is the server's FHIR base.</summary>
    public HttpClient Client { get; }

    /// <summary>What the process printed so far (stdout and stderr, interleaved as they came).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a server on a free loopback port with the test defaults (no authentication, no audit) and waits until it answers.</summary>
    public static Task<ServerProcess> StartAsync(string provider, string connectionString, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage__Provider"] = provider,
            ["Storage__ConnectionString"] = connectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            // Loopback only, so the development mode is accepted; the security tests run their own servers.
            ["Auth__Mode"] = "None",
            ["Audit__Enabled"] = "false",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return StartAsync(ServerDll(), settings, workingDirectory: null);
    }

    /// <summary>
    /// Starts <paramref name="dll"/> on a free loopback port with exactly <paramref name="environment"/> (plus
    /// <c>Fhir__BaseUrl</c> when absent, which Production requires) in <paramref name="workingDirectory"/> (a scratch
    /// folder when null), and waits until <c>metadata</c> answers.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        var port = FreePort();
        var scratch = Directory.CreateTempSubdirectory("fhir-server-process-").FullName;
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? scratch,
        };
        foreach (var (key, value) in Defaults(scratch))
        {
            info.Environment[key] = value;
        }
        info.Environment["Fhir__BaseUrl"] = $"http://127.0.0.1:{port}/fhir";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var output = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, output, scratch, new Uri($"http://127.0.0.1:{port}/fhir/"));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                // Read before disposing: a disposed Process no longer has an exit code.
                var code = process.ExitCode;
                var printed = server.Output;
                await server.DisposeAsync();
                throw new InvalidOperationException($"The server process exited with code {code} during start-up:\n{printed}");
            }
            try
            {
                if ((await server.Client.GetAsync("metadata")).StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        var all = server.Output;
        await server.DisposeAsync();
        throw new TimeoutException("The server process did not answer within 90 s:\n" + all);
    }

    /// <summary>
    /// Runs <paramref name="dll"/> with <paramref name="environment"/> expecting it to refuse to start: returns its exit code
    /// and what it printed once it has exited (it is killed after a minute).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string dll, IReadOnlyDictionary<string, string> environment, string urls)
    {
        var scratch = Directory.CreateTempSubdirectory("fhir-server-process-").FullName;
        try
        {
            var info = new ProcessStartInfo("dotnet", [dll, "--urls", urls])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = scratch,
            };
            foreach (var (key, value) in Defaults(scratch))
            {
                info.Environment[key] = value;
            }
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                return (-1, "(still running after 60 s) " + await stdout + await stderr);
            }
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    // What every server process of the tests gets unless the test says otherwise: its data and key in its scratch folder,
    // and no diagnostics IPC files in the temp folder (a process killed with SIGKILL cannot remove them).
    private static Dictionary<string, string> Defaults(string scratch) => new()
    {
        ["Storage__ConnectionString"] = $"Data Source={System.IO.Path.Combine(scratch, "data", "fhir.db")}",
        ["Auth__SigningKeyPath"] = System.IO.Path.Combine(scratch, "keys", "token-signing-key.pem"),
        ["DOTNET_EnableDiagnostics"] = "0",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["TMPDIR"] = scratch,
    };

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        KillHard();
        Client.Dispose();
        _process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A file the killed process held may linger a moment; the folder is under the temp folder either way.
        }
        return ValueTask.CompletedTask;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The configuration these tests were built in (their folder is bin/&lt;Configuration&gt;/net10.0).</summary>
    internal static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The server built beside these tests (same configuration), found from the repository root.</summary>
    internal static string ServerDll()
    {
        var dll = System.IO.Path.Combine(Repository.Root, "src", "Fhir.Server", "bin", Configuration, "net10.0", "Fhir.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first: " + dll);
    }
}
