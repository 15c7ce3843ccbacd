using System.Buffers;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Server.Http;

namespace Fhir.Server.Pipeline;

/// <summary>
/// What lenient intake keeps so that nothing a sender sent is lost: the body as it arrived, as a Binary (its
/// <c>securityContext</c> the first resource written from it), and a Provenance whose targets are the versions written
/// from it with elements dropped, whose entity is that Binary (role <c>source</c>), whose agent is the client and whose
/// reason lists the dropped paths (<c>GET [base]/Provenance?target=Observation/1</c> finds it).
/// <para>
/// Both are the server's own records of the request, like its AuditEvent: they are written in the request's write
/// session (one transaction with the resources, so all or nothing) but not through the client's grant. The client asked
/// to write its resources, which pass the access gate as any write does; it did not ask for these, and its scopes
/// usually do not name Binary or Provenance (the EHR integration role's do not), nor does a Binary belong to a patient
/// compartment, so a gated write would refuse lenient intake to exactly the clients it is for. Reading them goes
/// through the gate like any read (Binary and Provenance scopes).
/// </para>
/// </summary>
internal static class IntakeRecord
{
    /// <summary>Stores the Provenance for <paramref name="targets"/> (and the Binary, unless the request's is stored already); returns the id of a Binary written now.</summary>
    public static async Task<string?> KeepAsync(WriteSession session, ServerContext context, FhirRequest request, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var intake = request.Intake;
        var writer = new ResourceWriter(context);
        string? written = null;
        var binaryId = intake.BinaryId;
        if (binaryId is null)
        {
            binaryId = written = ServerContext.NewId();
            await writer.WriteRecordAsync(session, Parse(context, Binary(intake, targets[0])), binaryId, ct);
        }
        await writer.WriteRecordAsync(session, Parse(context, Provenance(request, binaryId, targets, context.Clock.GetUtcNow())), ServerContext.NewId(), ct);
        return written;
    }

    private static byte[] Binary(IntakeLog intake, string firstTarget) => Json(json =>
    {
        json.WriteString("resourceType", "Binary");
        json.WriteString("contentType", intake.SentType);
        json.WriteStartObject("securityContext");
        json.WriteString("reference", Versionless(firstTarget));
        json.WriteEndObject();
        json.WriteBase64String("data", intake.Sent.Span);
    });

    private static byte[] Provenance(FhirRequest request, string binaryId, IReadOnlyList<string> targets, DateTimeOffset now) => Json(json =>
    {
        json.WriteString("resourceType", "Provenance");
        json.WriteStartArray("target");
        foreach (var target in targets)
        {
            json.WriteStartObject();
            json.WriteString("reference", target);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("recorded", ResourceWriter.FormatInstant(now));
        json.WriteStartArray("reason");
        json.WriteStartObject();
        var paths = string.Join(", ", request.Intake.Dropped.Select(d => d.Expression ?? "(no path)"));
        json.WriteString("text", $"Lenient intake dropped {request.Intake.Dropped.Count} unknown element(s): {paths}. The body as sent is Binary/{binaryId}.");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("agent");
        json.WriteStartObject();
        json.WriteStartObject("type");
        json.WriteStartArray("coding");
        json.WriteStartObject();
        json.WriteString("system", "http://terminology.hl7.org/CodeSystem/provenance-participant-type");
        json.WriteString("code", "author");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("who");
        var client = request.Access.ClientId.Length > 0 ? request.Access.ClientId : "anonymous";
        json.WriteStartObject("identifier");
        json.WriteString("system", "urn:fhir-server:client");
        json.WriteString("value", client);
        json.WriteEndObject();
        json.WriteString("display", $"client {client}");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("entity");
        json.WriteStartObject();
        json.WriteString("role", "source");
        json.WriteStartObject("what");
        json.WriteString("reference", $"Binary/{binaryId}");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    });

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static ElementNode Parse(ServerContext context, byte[] json) =>
        FhirJsonReader.Parse(json, definitions: context.Definitions) is { IsSuccess: true, Resource: { } resource }
            ? resource
            : throw new InvalidOperationException("The server's own intake record is not valid FHIR.");

    private static string Versionless(string location)
    {
        var cut = location.IndexOf("/_history/", StringComparison.Ordinal);
        return cut < 0 ? location : location[..cut];
    }
}
