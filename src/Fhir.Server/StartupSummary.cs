using Fhir.Server.Security;
using Fhir.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server;

/// <summary>
/// One log entry at start that says what the server runs with: the store, the environment, the profiles folder and what
/// it gave (StructureDefinitions, ValueSets, CodeSystems, Questionnaires, SearchParameters), the packages, what the
/// database added, and how requests are authenticated. A warning comes first when the profiles folder was not found,
/// since the server then validates against the base definitions only.
/// </summary>
internal sealed class StartupSummary(
    FhirServerOptions options, StorageOptions storage, Validation.ServerValidation validation, Cluster.SharedDefinitions shared,
    AuthenticationChoice authentication, AuthOptions auth, IHostEnvironment environment, ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = options.ResolvedProfilesPath();
        if (folder is null)
        {
            logger.LogWarning(
                "The profiles folder was not found (Fhir:ProfilesPath is '{ProfilesPath}'; looked in {WorkingFolder}, and in {ServerFolder} and the folders above it): "
                + "the trial's profiles, value sets, code systems and search parameters are not loaded, so resources are validated against the base definitions only. "
                + "Set Fhir:ProfilesPath to the folder.",
                options.ProfilesPath, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        }
        var files = validation.Conformance.FileCounts();
        int Count(string type) => files.GetValueOrDefault(type);
        var packages = validation.Conformance.Packages;
        logger.LogInformation(
            "FHIR server started ({Environment}, {Store} store). Profiles folder {ProfilesFolder}: StructureDefinition {StructureDefinitions}, ValueSet {ValueSets}, "
            + "CodeSystem {CodeSystems}, Questionnaire {Questionnaires}, SearchParameter {SearchParameters}. Packages: {Packages}. "
            + "From the database: conformance resources {StoredConformance}, SearchParameter {StoredSearchParameters}. Authentication: {Authentication}.",
            environment.EnvironmentName, storage.Provider, folder ?? "(none)", Count("StructureDefinition"), Count("ValueSet"), Count("CodeSystem"),
            Count("Questionnaire"), Count("SearchParameter"),
            packages.Count == 0 ? "none" : string.Join(", ", packages.Select(p => $"{p} ({p.Resources.Count} resources)")),
            shared.ConformanceAtStart, shared.SearchParametersAtStart, Describe());
        return Task.CompletedTask;
    }

    private string Describe() => authentication.Mode == AuthMode.None
        ? "OFF (loopback only)"
        : $"SMART bearer tokens ({auth.Clients.Count} client{(auth.Clients.Count == 1 ? "" : "s")}{(string.IsNullOrWhiteSpace(auth.Authority) ? "" : ", authority " + auth.Authority)})";

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
