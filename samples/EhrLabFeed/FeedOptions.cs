using Hl7.Fhir.Rest;

namespace EhrLabFeed;

/// <summary>Where to send, as whom, and in which format. Secrets and keys come from the environment, never from files in a repository.</summary>
internal sealed record FeedOptions
{
    /// <summary>The FHIR base, e.g. <c>https://fhir.example.org/fhir/</c>.</summary>
    public required Uri FhirBase { get; init; }

    /// <summary>The SMART token endpoint (the server's <c>/.well-known/smart-configuration</c> names it).</summary>
    public required Uri TokenEndpoint { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The client secret (<c>client_secret_basic</c>); or null with <see cref="PrivateKeyPem"/>.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The client's RSA private key in PEM (<c>private_key_jwt</c>), whose public key the server has in its JWKS.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>The <c>kid</c> of that key in the JWKS.</summary>
    public string? KeyId { get; init; }

    /// <summary>What the feed needs: create, read and search Patients and Observations (a conditional create searches first).</summary>
    public string Scope { get; init; } = "system/Patient.crus system/Observation.crus";

    /// <summary>JSON or XML on the wire: the server speaks both.</summary>
    public ResourceFormat Format { get; init; } = ResourceFormat.Json;
}
