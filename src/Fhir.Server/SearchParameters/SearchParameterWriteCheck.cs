using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Search.Parameters;
using Fhir.Server.Http;

namespace Fhir.Server.SearchParameters;

/// <summary>Refuses a SearchParameter body the server could not index with (422, naming the element), before it is stored.</summary>
internal static class SearchParameterWriteCheck
{
    public static FhirResponse? Check(ElementNode resource, ServerContext context)
    {
        using var doc = JsonDocument.Parse(FhirJsonWriter.Serialize(resource));
        var issues = SearchParameterCheck.Check(doc.RootElement, context.Definitions);
        return issues.Count == 0 ? null : FhirResponse.Error(422, issues);
    }
}
