using Fhir.Core.Outcomes;
using Fhir.Server.Pipeline;
using Fhir.Server.Security;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Http;

/// <summary>
/// Bodies in and out of <see cref="FhirHttp"/>: an arriving body is kept as sent for lenient intake and, when it is XML,
/// converted to JSON; a leaving one is written in the negotiated format, indented when <c>_pretty=true</c>.
/// </summary>
internal static class WireBodies
{
    /// <summary>The request's intake (mode, the body as sent) and, for an XML body, its JSON or the error that refuses it.</summary>
    public static (IntakeLog Intake, (byte[]? Json, FhirResponse? Error) Converted) Receive(
        HttpContext http, ServerContext context, FhirHttp.Body body, ReadOnlyMemory<byte> bytes, string? mediaType)
    {
        var grant = http.Features.Get<AccessGrant>() ?? AccessGrant.Nobody;
        var mode = context.Intake.For(grant);
        if (body is not (FhirHttp.Body.Resource or FhirHttp.Body.Bundle or FhirHttp.Body.Patch) || bytes.IsEmpty)
        {
            return (IntakeLog.Strict, (null, null));
        }
        var intake = mode == IntakeMode.Lenient ? new IntakeLog(mode, bytes, mediaType ?? ContentNegotiation.FhirJson) : IntakeLog.Strict;
        if (ContentNegotiation.BodyFormat(mediaType) != WireFormat.Xml)
        {
            return (intake, (null, null));
        }
        var notes = new List<Issue>();
        var converted = XmlBodies.ToJson(bytes, context, intake.UnknownElements, notes);
        intake.Record(notes);
        return (intake, converted);
    }

    /// <summary>The response body in the negotiated format, and its Content-Type.</summary>
    public static (ReadOnlyMemory<byte> Body, string ContentType) Send(HttpContext http, ReadOnlyMemory<byte> json)
    {
        var pretty = http.Request.Query.TryGetValue("_pretty", out var value) && value == "true";
        if (ContentNegotiation.ResponseFormat(http.Request) == WireFormat.Xml)
        {
            return (XmlBodies.ToXml(json, pretty), ContentNegotiation.ContentType(WireFormat.Xml));
        }
        return (pretty ? Fhir.Core.Json.FhirJsonWriter.Indent(json.Span) : json, ContentNegotiation.ContentType(WireFormat.Json));
    }
}
