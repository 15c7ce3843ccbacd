using Fhir.Core.Definitions;
using Fhir.Search.Indexing;
using Fhir.Search.Parameters;
using Fhir.Server.SearchParameters;
using Fhir.Storage;

namespace Fhir.Server;

/// <summary>What every interaction needs: the store, the definitions, the search parameters, the options and the clock.</summary>
internal sealed class ServerContext(
    IFhirStore store,
    FhirDefinitions definitions,
    SearchParameterCatalog catalog,
    SearchParameterChanges searchParameterChanges,
    FhirServerOptions options,
    Validation.ServerValidation validation,
    Cluster.SharedDefinitions sharedDefinitions,
    Pipeline.IntakePolicy intake,
    TimeProvider clock)
{
    /// <summary>What the server processes on the database share of their definitions (the change log they follow).</summary>
    public Cluster.SharedDefinitions SharedDefinitions { get; } = sharedDefinitions;

    public IFhirStore Store { get; } = store;
    public FhirDefinitions Definitions { get; } = definitions;

    /// <summary>
    /// The search parameters in force now (custom ones included). Changes publish a new registry:
    /// read this once per request and use that registry throughout.
    /// </summary>
    public SearchParameterRegistry SearchParameters => catalog.Current.Registry;

    /// <summary>The indexer for the search parameters in force now; a write calls it once, so it indexes with one registry.</summary>
    public ResourceIndexer Indexer => catalog.Current.Indexer;

    /// <summary>Applies committed writes of SearchParameter resources (registry and reindex jobs).</summary>
    public SearchParameterChanges SearchParameterChanges { get; } = searchParameterChanges;

    public FhirServerOptions Options { get; } = options;

    /// <summary>Each request's intake mode (strict or lenient), by client.</summary>
    public Pipeline.IntakePolicy Intake { get; } = intake;

    /// <summary>How large a search may be (<see cref="FhirServerOptions.ToSearchLimits"/>), read once.</summary>
    public Fhir.Search.Queries.SearchLimits SearchLimits { get; } = options.ToSearchLimits();

    /// <summary>The parser options every search and conditional match of the server starts from.</summary>
    public Fhir.Search.Queries.SearchParseOptions ParseOptions(Fhir.Search.Queries.HandlingMode handling) => new()
    {
        Handling = handling,
        DefaultCount = Options.DefaultPageSize,
        MaxCount = Options.MaxPageSize,
        Limits = SearchLimits,
    };
    public TimeProvider Clock { get; } = clock;

    /// <summary>How much of the time requests are in progress (<see cref="Http.FhirHttp"/> counts them), for background work to defer to.</summary>
    public ServerActivity Activity { get; } = new(clock);

    /// <summary>Validation of writes against the base definitions and profiles.</summary>
    public Validation.ServerValidation Validation { get; } = validation;

    /// <summary>ValueSets and CodeSystem hierarchies for token <c>:in</c>/<c>:not-in</c>/<c>:below</c>/<c>:above</c>.</summary>
    public Fhir.Search.Queries.ICodeSets CodeSets { get; } = new Search.LocalCodeSets(validation.Validator);

    /// <summary>The R4 compartments, read from the definitions on first use.</summary>
    public Fhir.Search.Compartments.CompartmentModel Compartments => _compartments ??= Fhir.Search.Compartments.CompartmentModel.FromDefinitions(Definitions);

    private Fhir.Search.Compartments.CompartmentModel? _compartments;

    /// <summary>A new server-assigned logical id: time-ordered (UUID v7) so that new rows land at the end of indexes.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("D");
}
