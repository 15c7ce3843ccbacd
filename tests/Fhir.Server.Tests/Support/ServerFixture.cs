using System.Net.Http.Headers;
using System.Text;
using Fhir.Storage.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Server.Tests.Support;

/// <summary>A server on a fresh, empty store, hosted in memory; one per test class.</summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    /// <summary>The store the server runs on, for test names and messages.</summary>
    public abstract string Provider { get; }

    /// <summary>A client whose base address is the FHIR base (<c>http://localhost/fhir/</c>).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The connection string of the store.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// A temporary folder of this fixture's own (its servers' signing key, files a test class needs), deleted with it, so that
    /// no test leaves files behind.
    /// </summary>
    public string Scratch { get; } = Directory.CreateTempSubdirectory("fhir-server-fixture-").FullName;

    /// <summary>Where this fixture's servers keep their token signing key (shared by every server of the fixture, like nodes).</summary>
    public string SigningKeyPath => System.IO.Path.Combine(Scratch, "keys", "token-signing-key.pem");

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateStoreAsync();
        _factory = CreateServer();
        Client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
    }

    /// <summary>
    /// Another server with this one's settings on the same database (a second node, or this one after a restart);
    /// the caller disposes it. <paramref name="more"/> settings are added last.
    /// </summary>
    public WebApplicationFactory<Program> CreateServer(params KeyValuePair<string, string>[] more) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:Provider", Provider);
            web.UseSetting("Storage:ConnectionString", ConnectionString);
            web.UseSetting("Auth:SigningKeyPath", SigningKeyPath);
            foreach (var (key, value) in TestDefaults.Concat(Settings).Concat(more))
            {
                web.UseSetting(key, value);
            }
        });

    /// <summary>A client of this server whose requests go to <paramref name="root"/> (its host is the request's Host header).</summary>
    public HttpClient CreateServerClient(string root) => _factory!.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(root) });

    /// <summary>The in-memory test server (for requests that need their connection's remote address set).</summary>
    public Microsoft.AspNetCore.TestHost.TestServer TestServer => _factory!.Server;

    /// <summary>
    /// Settings every test server starts from: tests of REST behaviour run without tokens or audit
    /// events or rate limits (the security tests turn them on). (Each server needs <c>Auth:SigningKeyPath</c> in a folder
    /// of its own test's too: see <see cref="SigningKeyPath"/>.)
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> TestDefaults =>
    [
        new("Auth:Mode", "None"),
        new("Audit:Enabled", "false"),
        new("Auth:RequestsPerMinute", "0"),
        new("Auth:AnonymousRequestsPerMinute", "0"),
        new("Auth:TokenFailuresBeforeBackoff", "1000"),
    ];

    /// <summary>The server's services (for tests that need its keys or clock).</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>A handler that sends requests to the in-memory server, for clients that make their own HttpClient (Firely's FhirClient).</summary>
    public HttpMessageHandler CreateHandler() => _factory!.Server.CreateHandler();

    /// <summary>An HTTP client for the server's root (<c>http://localhost/</c>), outside the FHIR base.</summary>
    public HttpClient CreateRootClient() => _factory!.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/") });

    /// <summary>A client of the server's root that does not follow redirects (to see the sign-in's redirect itself).</summary>
    public HttpClient CreateNoRedirectClient() =>
        _factory!.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/"), AllowAutoRedirect = false });

    /// <summary>A client of the FHIR base whose requests pass through <paramref name="handlers"/> first (to fail some on purpose, say).</summary>
    public HttpClient CreateClient(params DelegatingHandler[] handlers) => _factory!.CreateDefaultClient(new Uri("http://localhost/fhir/"), handlers);

    /// <summary>Extra configuration for this server.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await DropStoreAsync();
        Directory.Delete(Scratch, recursive: true);
    }

    protected abstract Task<string> CreateStoreAsync();

    protected abstract Task DropStoreAsync();

    /// <summary>A FHIR JSON body.</summary>
    public static StringContent Json(string json, string mediaType = "application/fhir+json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}

/// <summary>A server on a new SQLite file.</summary>
public class SqliteServer : ServerFixture
{
    private string? _folder;

    public override string Provider => "Sqlite";

    protected override Task<string> CreateStoreAsync()
    {
        _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-server-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        return Task.FromResult($"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");
    }

    protected override Task DropStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder!, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}

/// <summary>A server on a new PostgreSQL database of the shared test cluster.</summary>
public class PostgresServer : ServerFixture
{
    public override string Provider => "Postgres";

    protected override async Task<string> CreateStoreAsync() => await (await SharedPostgres.Instance).CreateDatabaseAsync();

    protected override async Task DropStoreAsync() => await (await SharedPostgres.Instance).DropDatabaseAsync(ConnectionString);
}

/// <summary>One PostgreSQL for the whole test run, stopped when the test process ends.</summary>
internal static class SharedPostgres
{
    public static readonly Lazy<Task<PostgresFixture>> Lazy = new(async () =>
    {
        var fixture = new PostgresFixture();
        await fixture.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => fixture.DisposeAsync().GetAwaiter().GetResult();
        return fixture;
    });

    public static Task<PostgresFixture> Instance => Lazy.Value;
}
