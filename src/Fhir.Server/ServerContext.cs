using Fhir.Core.Definitions;
using Fhir.Search.Indexing;
using Fhir.Search.Parameters;
using Fhir.Storage;

namespace Fhir.Server;

/// <summary>What every interaction needs: the store, the definitions, the search parameters, the options and the clock.</summary>
internal sealed class ServerContext(
    IFhirStore store,
    FhirDefinitions definitions,
    SearchParameterRegistry searchParameters,
    ResourceIndexer indexer,
    FhirServerOptions options,
    TimeProvider clock,
    Security.PatientCompartment compartment)
{
    public IFhirStore Store { get; } = store;
    public FhirDefinitions Definitions { get; } = definitions;
    public SearchParameterRegistry SearchParameters { get; } = searchParameters;
    public ResourceIndexer Indexer { get; } = indexer;
    public FhirServerOptions Options { get; } = options;
    public TimeProvider Clock { get; } = clock;

    /// <summary>Membership in a patient's compartment, which confines <c>patient/</c> scopes.</summary>
    public Security.PatientCompartment Compartment { get; } = compartment;

    /// <summary>A new server-assigned logical id: time-ordered (UUID v7) so that new rows land at the end of indexes.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("D");
}
