using Hl7.Fhir.Rest;

namespace EhrLabFeed;

/// <summary>
/// <c>dotnet run --project samples/EhrLabFeed -- [lab-result.json]</c>. Configuration from the environment: <c>FHIR_BASE</c>
/// (default <c>http://127.0.0.1:8080/fhir/</c>), <c>FHIR_TOKEN_ENDPOINT</c> (default: <c>/auth/token</c> beside the base),
/// <c>FHIR_CLIENT_ID</c>, and <c>FHIR_CLIENT_SECRET</c>, or <c>FHIR_PRIVATE_KEY_FILE</c> and <c>FHIR_KEY_ID</c> for
/// <c>private_key_jwt</c>; <c>FHIR_FORMAT=json|xml</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var file = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "lab-result.json");
        var fhirBase = new Uri(Environment.GetEnvironmentVariable("FHIR_BASE") ?? "http://127.0.0.1:8080/fhir/");
        var keyFile = Environment.GetEnvironmentVariable("FHIR_PRIVATE_KEY_FILE");
        var options = new FeedOptions
        {
            FhirBase = fhirBase,
            TokenEndpoint = new Uri(Environment.GetEnvironmentVariable("FHIR_TOKEN_ENDPOINT") ?? new Uri(fhirBase, "../auth/token").ToString()),
            ClientId = Environment.GetEnvironmentVariable("FHIR_CLIENT_ID") ?? "ehr",
            ClientSecret = Environment.GetEnvironmentVariable("FHIR_CLIENT_SECRET"),
            PrivateKeyPem = keyFile is null ? null : await File.ReadAllTextAsync(keyFile),
            KeyId = Environment.GetEnvironmentVariable("FHIR_KEY_ID"),
            Format = Environment.GetEnvironmentVariable("FHIR_FORMAT") == "xml" ? ResourceFormat.Xml : ResourceFormat.Json,
        };

        var result = LabResult.Read(await File.ReadAllTextAsync(file));
        var report = await new LabFeed(options).SendAsync(result);
        foreach (var (resource, status, location) in report.Entries)
        {
            Console.WriteLine($"{status,-12} {resource,-12} {location}");
        }
        Console.WriteLine($"{report.Created} created, {report.Existing} already there");
        return 0;
    }
}
