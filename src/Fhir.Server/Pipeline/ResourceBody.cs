using System.Diagnostics.CodeAnalysis;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Pipeline;

/// <summary>Turns a request body into a parsed resource of the expected type, or an error response.</summary>
internal static class ResourceBody
{
    public static bool TryParse(
        FhirRequest request, ServerContext context, string? expectedType,
        [NotNullWhen(true)] out ElementNode? resource, [NotNullWhen(false)] out FhirResponse? error)
    {
        error = null;
        resource = request.Resource;
        if (resource is null)
        {
            if (request.Body.IsEmpty)
            {
                error = FhirResponse.Error(400, IssueType.Required, "The request has no body; a resource is required.");
                return false;
            }
            var parsed = FhirJsonReader.Parse(request.Body.Span, ReaderOptions(request, context), context.Definitions);
            if (!parsed.IsSuccess)
            {
                error = FhirResponse.Error(400, parsed.Issues.Where(i => i.IsError).ToList());
                return false;
            }
            request.Intake.Record(parsed.Issues); // under lenient intake: the elements dropped, for the response and the Provenance
            resource = parsed.Resource!;
        }
        if (expectedType is not null && resource.Type.Name != expectedType)
        {
            error = FhirResponse.Error(400, IssueType.Invalid, $"The body is a {resource.Type.Name}, but the URL is for {expectedType}.", resource.Type.Name);
            resource = null;
            return false;
        }
        if (resource.Type.Name == "SearchParameter" && SearchParameters.SearchParameterWriteCheck.Check(resource, context) is { } invalid)
        {
            error = invalid;
            resource = null;
            return false;
        }
        return true;
    }

    /// <summary>How a request's bodies are read: the depth limit, and unknown elements refused or (lenient intake) dropped.</summary>
    public static FhirJsonReaderOptions ReaderOptions(FhirRequest request, ServerContext context) =>
        new() { MaxDepth = context.Options.MaxJsonDepth, UnknownElements = request.Intake.UnknownElements };
}
