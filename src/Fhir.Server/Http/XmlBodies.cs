using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Xml;

namespace Fhir.Server.Http;

/// <summary>
/// FHIR XML at the HTTP edge: request bodies become FHIR JSON as they arrive (so that every interaction, the write path
/// and the validator see one format), and responses become XML as they leave. The conversion is <see cref="Fhir.Xml"/>'s;
/// its limits are the JSON ones (<c>Fhir:MaxRequestBodyBytes</c> has already bounded the body, <c>Fhir:MaxJsonDepth</c>
/// bounds the nesting).
/// </summary>
internal static class XmlBodies
{
    /// <summary>The JSON of an XML body, or the 400 response that refuses it; <paramref name="notes"/> gets the warnings of lenient intake.</summary>
    public static (byte[]? Json, FhirResponse? Error) ToJson(ReadOnlyMemory<byte> xml, ServerContext context, UnknownElementHandling unknownElements, List<Issue> notes)
    {
        var converted = FhirXmlReader.ToJson(xml, new FhirXmlReaderOptions { MaxDepth = context.Options.MaxJsonDepth, UnknownElements = unknownElements }, context.Definitions);
        if (!converted.IsSuccess)
        {
            return (null, FhirResponse.Error(400, converted.Issues.Where(i => i.IsError).ToList()));
        }
        notes.AddRange(converted.Issues);
        return (converted.Json, null);
    }

    /// <summary>A JSON response body as FHIR XML.</summary>
    public static byte[] ToXml(ReadOnlyMemory<byte> json, bool pretty) =>
        FhirXmlWriter.FromJson(json, new FhirXmlWriterOptions { Indented = pretty });
}
