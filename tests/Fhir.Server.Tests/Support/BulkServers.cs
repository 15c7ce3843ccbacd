namespace Fhir.Server.Tests.Support;

/// <summary>Settings of servers that run bulk jobs in tests: their own folders, small export files, a quick job runner.</summary>
public static class BulkSettings
{
    /// <summary>Resources per export file in tests: small, so that splitting shows.</summary>
    public const int ResourcesPerFile = 5;

    public static IEnumerable<KeyValuePair<string, string>> For(string folder, int resourcesPerFile = ResourcesPerFile) =>
    [
        new("Export:Path", System.IO.Path.Combine(folder, "export")),
        new("Import:Path", System.IO.Path.Combine(folder, "import")),
        new("Export:ResourcesPerFile", resourcesPerFile.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Import:BatchSize", "7"),
        new("Jobs:PollInterval", "00:00:00.050"),
    ];

    public static string NewFolder() => Directory.CreateTempSubdirectory("fhir-bulk-tests-").FullName;

    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A server with bulk folders of its own.</summary>
public interface IBulkServer
{
    /// <summary>The folder under which its export and import folders are.</summary>
    string BulkFolder { get; }
}

/// <summary>A SQLite server (authentication off) with bulk folders of its own.</summary>
public class BulkSqliteServer : SqliteServer, IBulkServer
{
    public string BulkFolder { get; } = BulkSettings.NewFolder();

    protected override IEnumerable<KeyValuePair<string, string>> Settings => BulkSettings.For(BulkFolder);

    protected override async Task DropStoreAsync()
    {
        await base.DropStoreAsync();
        BulkSettings.Delete(BulkFolder);
    }
}

/// <summary>A PostgreSQL server (authentication off) with bulk folders of its own.</summary>
public class BulkPostgresServer : PostgresServer, IBulkServer
{
    public string BulkFolder { get; } = BulkSettings.NewFolder();

    protected override IEnumerable<KeyValuePair<string, string>> Settings => BulkSettings.For(BulkFolder);

    protected override async Task DropStoreAsync()
    {
        await base.DropStoreAsync();
        BulkSettings.Delete(BulkFolder);
    }
}

/// <summary>A SQLite server with SMART authorisation, the audit trail and bulk folders of its own.</summary>
public sealed class SecureBulkSqliteServer : BulkSqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. TestClients.SecureSettings(), .. BulkSettings.For(BulkFolder)];
}

/// <summary>A PostgreSQL server with SMART authorisation, the audit trail and bulk folders of its own.</summary>
public sealed class SecureBulkPostgresServer : BulkPostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. TestClients.SecureSettings(), .. BulkSettings.For(BulkFolder)];
}
