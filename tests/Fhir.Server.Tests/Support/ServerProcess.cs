using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// The real server as a separate OS process (the built Fhir.Server.dll), for what an in-memory host
/// cannot show: several processes on one database, and a process killed with SIGKILL mid-write.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client whose base address is the server's FHIR base.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a server on a free loopback port and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(string provider, string connectionString)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [ServerDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Fhir__BaseUrl"] = $"http://127.0.0.1:{port}/fhir";
        info.Environment["Storage__Provider"] = provider;
        info.Environment["Storage__ConnectionString"] = connectionString;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Loopback only, so the development mode is accepted; the security tests run their own servers.
        info.Environment["Auth__Mode"] = "None";
        info.Environment["Audit__Enabled"] = "false";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/fhir/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with code {process.ExitCode} during start-up.");
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
        await server.DisposeAsync();
        throw new TimeoutException("The server process did not answer within 60 s.");
    }

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
