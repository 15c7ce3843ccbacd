using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Fhir.Bench.Limits;

/// <summary>
/// The real server (a built Fhir.Server.dll) as a child process in SMART mode with one client, on a free loopback
/// port, and its memory as Linux reports it (<c>/proc/[pid]/status</c>).
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerUnderTest(Process process, StreamWriter log, Uri root, string secret)
    {
        _process = process;
        _log = log;
        Root = root;
        Secret = secret;
    }

    /// <summary>The client the bench authenticates as (secret made for this run).</summary>
    public const string ClientId = "bench";

    /// <summary>The server's root URL (<c>http://127.0.0.1:port/</c>); the FHIR base is <c>fhir/</c> under it.</summary>
    public Uri Root { get; }

    public string Secret { get; }

    public int Pid => _process.Id;

    /// <summary>Starts the server; <paramref name="secret"/> is the client's (a new one when null), to restart on the same data.</summary>
    public static async Task<ServerUnderTest> StartAsync(string serverDll, string repo, string provider, string connection, string work, string? secret = null)
    {
        var port = FreePort();
        secret ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        var environment = info.Environment;
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["Fhir__BaseUrl"] = $"http://127.0.0.1:{port}/fhir";
        environment["Fhir__ProfilesPath"] = System.IO.Path.Combine(repo, "profiles");
        environment["Storage__Provider"] = provider;
        environment["Storage__ConnectionString"] = connection;
        environment["Auth__Mode"] = "Smart";
        environment["Auth__SigningKeyPath"] = System.IO.Path.Combine(work, "keys", "key.pem");
        environment["Auth__Clients__0__ClientId"] = ClientId;
        environment["Auth__Clients__0__ClientSecret"] = secret;
        environment["Auth__Clients__0__Scopes"] = "system/*.cruds system/AuditEvent.rs";
        environment["Logging__LogLevel__Default"] = "Warning";
        var log = new StreamWriter(System.IO.Path.Combine(work, "server.log"), append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerUnderTest(process, log, new Uri($"http://127.0.0.1:{port}/"), secret);

        try
        {
            await ServerReady.WaitAsync(process, new Uri(server.Root, "fhir/metadata"), System.IO.Path.Combine(work, "server.log"));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>A field of <c>/proc/[pid]/status</c> in MiB (<c>VmRSS</c>: resident now; <c>VmHWM</c>: the peak since start or <see cref="ResetPeak"/>).</summary>
    public double MiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }
        return double.NaN;
    }

    /// <summary>Sets the peak (<c>VmHWM</c>) back to the current resident size (Linux <c>clear_refs</c> 5).</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{Pid}/clear_refs", "5");

    public bool HasExited => _process.HasExited;

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines after the process was stopped.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
