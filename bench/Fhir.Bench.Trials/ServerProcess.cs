using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fhir.Bench.Trials;

/// <summary>A Fhir.Server started as a child process on a free loopback port, stopped on dispose.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ServerProcess(Process process, StreamWriter log, Uri baseUrl)
    {
        this.process = process;
        this.log = log;
        BaseUrl = baseUrl;
    }

    /// <summary>The FHIR base, ending in <c>/fhir/</c>.</summary>
    public Uri BaseUrl { get; }

    public static async Task<ServerProcess> StartAsync(string serverDll, string repo, string provider, string connectionString, string logFile)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["Fhir__BaseUrl"] = $"http://127.0.0.1:{port}/fhir"; // required in Production
        info.Environment["Storage__Provider"] = provider;
        info.Environment["Storage__ConnectionString"] = connectionString;
        info.Environment["Auth__Mode"] = "None";
        // Loading thousands of bundles from a few clients would hit the default per-client rate limit.
        info.Environment["Auth__RequestsPerMinute"] = "0";
        info.Environment["Fhir__ProfilesPath"] = System.IO.Path.Combine(repo, "profiles");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, new Uri($"http://127.0.0.1:{port}/fhir/"));

        try
        {
            await ServerReady.WaitAsync(process, new Uri(server.BaseUrl, "metadata"), logFile);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
