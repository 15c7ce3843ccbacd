extern alias server;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Trials.Tests.Support;

/// <summary>
/// An in-process server on a SQLite file of its own, for loading trials and reading them back: no tokens, audit events or
/// rate limits (security is tested in the server's tests).
/// </summary>
public sealed class OpenTrialServer : IAsyncDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trial-server-" + Guid.NewGuid().ToString("N"));
    private readonly WebApplicationFactory<server::Program> _factory;

    public OpenTrialServer()
    {
        Directory.CreateDirectory(_folder);
        _factory = new WebApplicationFactory<server::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:Provider", "Sqlite");
            web.UseSetting("Auth:Mode", "None");
            web.UseSetting("Audit:Enabled", "false");
            web.UseSetting("Auth:RequestsPerMinute", "0");
            web.UseSetting("Auth:SigningKeyPath", System.IO.Path.Combine(_folder, "key.pem"));
            web.UseSetting("Storage:ConnectionString", $"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");
        });
        Client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
    }

    /// <summary>A client whose base address is the FHIR base.</summary>
    public HttpClient Client { get; }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown: the temp folder is the system's to clear.
        }
    }
}
