using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Trials.Generation;

/// <summary>
/// A transaction Bundle under construction: entries are conditional creates (<c>ifNoneExist</c> on the
/// resource's identifier, so a re-load never duplicates), or updates to fixed ids where R4 cannot search the
/// identifier, each with a <c>urn:uuid</c> fullUrl that the other entries reference.
/// </summary>
internal sealed class BundleBuilder(TrialRandom random)
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        // FHIR JSON is UTF-8; escaping '|', '+' or quotes would only make the files harder to read.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly JsonArray _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds <paramref name="resource"/> (which has one identifier) as a conditional create; returns its fullUrl.</summary>
    public string Add(JsonObject resource, (string System, string Value) identifier, string? fullUrl = null)
    {
        fullUrl ??= "urn:uuid:" + random.NextUuid().ToString("D", CultureInfo.InvariantCulture);
        var type = (string)resource["resourceType"]!;
        _entries.Add(new JsonObject
        {
            ["fullUrl"] = fullUrl,
            ["resource"] = resource,
            ["request"] = new JsonObject
            {
                ["method"] = "POST",
                ["url"] = type,
                ["ifNoneExist"] = $"identifier={identifier.System}|{identifier.Value}",
            },
        });
        return fullUrl;
    }

    /// <summary>
    /// Adds <paramref name="resource"/> as an update to a fixed id, for types that R4 gives no <c>identifier</c>
    /// search parameter (AdverseEvent), so that a conditional create cannot find them; a re-load makes a new version, not a copy.
    /// </summary>
    public string Put(JsonObject resource, string id)
    {
        var fullUrl = "urn:uuid:" + random.NextUuid().ToString("D", CultureInfo.InvariantCulture);
        var type = (string)resource["resourceType"]!;
        resource.Insert(1, "id", id);
        _entries.Add(new JsonObject
        {
            ["fullUrl"] = fullUrl,
            ["resource"] = resource,
            ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{type}/{id}" },
        });
        return fullUrl;
    }

    public byte[] ToJson()
    {
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = _entries };
        return JsonSerializer.SerializeToUtf8Bytes(bundle, WriteOptions);
    }

    // Small builders for the FHIR data types the trial uses.
    public static JsonObject Coding(string system, string code, string? display = null)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        if (display is not null)
        {
            coding["display"] = display;
        }
        return coding;
    }

    public static JsonObject Concept(string system, string code, string? display = null) => new() { ["coding"] = new JsonArray(Coding(system, code, display)) };

    public static JsonObject Reference(string reference) => new() { ["reference"] = reference };

    public static JsonObject Identifier((string System, string Value) identifier) => new() { ["system"] = identifier.System, ["value"] = identifier.Value };

    public static JsonObject Meta(string profile) => new() { ["profile"] = new JsonArray(TrialCodes.Profile(profile)) };

    public static JsonObject Quantity(decimal value, string code, string? unit = null)
    {
        var quantity = new JsonObject { ["value"] = value };
        if (unit is not null)
        {
            quantity["unit"] = unit;
        }
        quantity["system"] = TrialCodes.Ucum;
        quantity["code"] = code;
        return quantity;
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
