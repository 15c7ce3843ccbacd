using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fhir.Bench.Load;

/// <summary>
/// Builds realistic FHIR R4 JSON payloads. A resource is a pure function of (seed, revision), so
/// an update re-creates the original from the seed kept in the pool and bumps one field by revision:
/// Patient.address[0].line[1]; Observation.valueQuantity.value and issued (status becomes "amended").
/// One instance per worker (it reuses its buffer), not thread-safe.
/// </summary>
internal sealed class ResourceWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public ResourceWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
    {
        SkipValidation = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // raw UTF-8 and "<div>" as a client would send them
    });

    private static readonly string[] Families = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Müller", "Schmidt", "Nguyen", "O'Brien", "Kowalski", "Rossi"];
    private static readonly string[] MaleGiven = ["James", "John", "Robert", "Michael", "David", "William", "Lukas", "Mateo", "Ahmed", "Kenji"];
    private static readonly string[] FemaleGiven = ["Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Sofia", "Emma", "Aisha", "Yuki", "Chloé"];
    private static readonly string[] Streets = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "Lakeview Blvd", "Hillcrest Way"];
    private static readonly (string City, string State, string Zip)[] Cities = [("Springfield", "IL", "62701"),
        ("Madison", "WI", "53703"), ("Portland", "OR", "97205"), ("Austin", "TX", "78701"), ("Boston", "MA", "02108"),
        ("Denver", "CO", "80202"), ("Raleigh", "NC", "27601"), ("Tucson", "AZ", "85701")];
    private static readonly string[] Practitioners = ["Dr. Alice Carter", "Dr. Ben Okafor", "Dr. Carla Jensen", "Dr. Diego Alvarez"];

    private sealed record Loinc(string Code, string Display, bool Lab, string Unit, string Ucum,
        decimal Min, decimal Max, decimal Low, decimal High, int Decimals);

    private static readonly Loinc[] Codes =
    [
        new("8867-4", "Heart rate", false, "beats/minute", "/min", 48, 120, 60, 100, 0),
        new("8310-5", "Body temperature", false, "C", "Cel", 35.8m, 39.0m, 36.1m, 37.2m, 1),
        new("29463-7", "Body weight", false, "kg", "kg", 45, 130, 0, 1000, 1),
        new("8302-2", "Body height", false, "cm", "cm", 150, 200, 0, 300, 1),
        new("9279-1", "Respiratory rate", false, "breaths/minute", "/min", 10, 26, 12, 20, 0),
        new("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", false, "%", "%", 88, 100, 95, 100, 0),
        new("2339-0", "Glucose [Mass/volume] in Blood", true, "mg/dL", "mg/dL", 65, 190, 70, 99, 0),
        new("718-7", "Hemoglobin [Mass/volume] in Blood", true, "g/dL", "g/dL", 10.5m, 17.5m, 12.0m, 16.0m, 1),
        new("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", true, "mg/dL", "mg/dL", 0.45m, 1.80m, 0.60m, 1.20m, 2),
        new("2951-2", "Sodium [Moles/volume] in Serum or Plasma", true, "mmol/L", "mmol/L", 128, 150, 135, 145, 0),
    ];

    public byte[] Patient(long seed, string? id, int revision)
    {
        var r = new SplitMix(seed);
        var w = Begin("Patient", id);
        bool female = r.Next(2) == 0;
        string family = r.Pick(Families);
        string given = r.Pick(female ? FemaleGiven : MaleGiven);
        string middle = r.Pick(female ? FemaleGiven : MaleGiven);
        if (middle == given) middle = "Lee";
        var (city, state, zip) = r.Pick(Cities);

        w.WriteStartArray("identifier");
        w.WriteStartObject();
        w.WriteString("use", "usual");
        w.WriteStartObject("type");
        Coding(w, "http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number");
        w.WriteEndObject();
        w.WriteString("system", "urn:oid:1.2.36.146.595.217.0.1");
        w.WriteString("value", "MRN-" + ((ulong)seed).ToString("x16", CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("active", true);
        w.WriteStartArray("name");
        w.WriteStartObject();
        w.WriteString("use", "official");
        w.WriteString("family", family);
        w.WriteStartArray("given");
        w.WriteStringValue(given);
        w.WriteStringValue(middle);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("telecom");
        w.WriteStartObject();
        w.WriteString("system", "phone");
        w.WriteString("value", $"+1 555 {r.Next(1000):000} {r.Next(10000):0000}");
        w.WriteString("use", "home");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("system", "email");
        w.WriteString("value", $"{given.ToLowerInvariant()}.{r.Next(100000)}@example.org");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("gender", female ? "female" : "male");
        w.WriteString("birthDate", new DateOnly(1930, 1, 1).AddDays(r.Next(32_000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteStartArray("address");
        w.WriteStartObject();
        w.WriteString("use", "home");
        w.WriteString("type", "both");
        w.WriteStartArray("line");
        w.WriteStringValue($"{1 + r.Next(9999)} {r.Pick(Streets)}");
        w.WriteStringValue(revision == 0 ? "Apt 1" : $"Apt {1 + revision}");   // the field updates bump
        w.WriteEndArray();
        w.WriteString("city", city);
        w.WriteString("state", state);
        w.WriteString("postalCode", zip);
        w.WriteString("country", "US");
        w.WriteEndObject();
        w.WriteEndArray();
        return End();
    }

    public byte[] Observation(long seed, string? id, string patientId, int revision)
    {
        var r = new SplitMix(seed);
        var w = Begin("Observation", id);
        var code = r.Pick(Codes);
        decimal scale = Pow10(code.Decimals);
        decimal value = Math.Round(code.Min + (code.Max - code.Min) * r.Next(10_000) / 10_000m, code.Decimals)
                        + revision % 20 / scale;                              // the field updates bump (stays plausible)
        var effective = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(r.Next(10 * 365 * 24 * 60));
        string effectiveText = effective.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string valueText = value.ToString(CultureInfo.InvariantCulture);
        (string interp, string interpDisplay) = value < code.Low ? ("L", "Low") : value > code.High ? ("H", "High") : ("N", "Normal");

        w.WriteStartObject("text");
        w.WriteString("status", "generated");
        w.WriteString("div", $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{code.Display}: {valueText} {code.Unit} ({effectiveText})</p></div>");
        w.WriteEndObject();
        w.WriteStartArray("identifier");
        w.WriteStartObject();
        w.WriteString("system", "urn:ietf:rfc:3986");
        w.WriteString("value", $"urn:uuid:{new Guid((int)seed, (short)(seed >> 32), (short)(seed >> 48), 0x4b, 0x65, 0x6e, 0x63, 0x68, 0x00, 0x00, 0x01)}");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("status", revision == 0 ? "final" : "amended");
        w.WriteStartArray("category");
        w.WriteStartObject();
        Coding(w, "http://terminology.hl7.org/CodeSystem/observation-category",
            code.Lab ? "laboratory" : "vital-signs", code.Lab ? "Laboratory" : "Vital Signs");
        w.WriteString("text", code.Lab ? "Laboratory" : "Vital Signs");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("code");
        Coding(w, "http://loinc.org", code.Code, code.Display);
        w.WriteString("text", code.Display);
        w.WriteEndObject();
        w.WriteStartObject("subject");
        w.WriteString("reference", "Patient/" + patientId);
        w.WriteEndObject();
        w.WriteString("effectiveDateTime", effectiveText);
        w.WriteString("issued", effective.AddMinutes(5 + r.Next(120) + revision).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteStartArray("performer");
        w.WriteStartObject();
        w.WriteString("display", r.Pick(Practitioners));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("valueQuantity");
        Quantity(w, value, code);
        w.WriteEndObject();
        w.WriteStartArray("interpretation");
        w.WriteStartObject();
        Coding(w, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", interp, interpDisplay);
        w.WriteEndObject();
        w.WriteEndArray();
        if (code.High < 1000)
        {
            w.WriteStartArray("referenceRange");
            w.WriteStartObject();
            w.WriteStartObject("low");
            Quantity(w, code.Low, code);
            w.WriteEndObject();
            w.WriteStartObject("high");
            Quantity(w, code.High, code);
            w.WriteEndObject();
            w.WriteString("text", $"{code.Low.ToString(CultureInfo.InvariantCulture)}-{code.High.ToString(CultureInfo.InvariantCulture)} {code.Unit}");
            w.WriteEndObject();
            w.WriteEndArray();
        }
        return End();
    }

    private Utf8JsonWriter Begin(string type, string? id)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("resourceType", type);
        if (id is not null) _json.WriteString("id", id);
        return _json;
    }

    private byte[] End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string display)
    {
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        w.WriteString("display", display);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Quantity(Utf8JsonWriter w, decimal value, Loinc code)
    {
        w.WriteNumber("value", value);
        w.WriteString("unit", code.Unit);
        w.WriteString("system", "http://unitsofmeasure.org");
        w.WriteString("code", code.Ucum);
    }

    private static decimal Pow10(int n)
    {
        decimal p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    /// <summary>Small deterministic generator (SplitMix64): same seed, same resource, on every runtime.</summary>
    private struct SplitMix(long seed)
    {
        private ulong _state = (ulong)seed;

        public int Next(int bound)
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)bound);
        }

        public T Pick<T>(T[] items) => items[Next(items.Length)];
    }
}
