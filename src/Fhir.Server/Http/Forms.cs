using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fhir.Server.Http;

/// <summary>
/// Reads URL-encoded forms (<c>POST _search</c>, the token endpoint) within limits of their own: fields, name and value
/// lengths, and the bytes read. A form beyond them is a refusal with the limits named, not an exception: the reader
/// reports it by throwing <see cref="InvalidDataException"/>, and Kestrel a body it cannot read (too large, a chunk size
/// that is not one) by throwing <see cref="BadHttpRequestException"/> or, for a chunk size beyond 64 bits, <see cref="IOException"/>.
/// </summary>
internal static class Forms
{
    /// <summary>The token endpoint's form: a handful of short fields (the longest, a client assertion, is a JWT of a few KB).</summary>
    public static readonly FormOptions TokenRequest = new() { ValueCountLimit = 16, KeyLengthLimit = 64, ValueLengthLimit = 64 * 1024 };

    /// <summary>The most bytes a token request may have.</summary>
    public const long MaxTokenRequestBytes = 256 * 1024;

    /// <summary>
    /// A search form: as many fields as the ASP.NET Core default (a search has far fewer criteria), and values as long
    /// as the body limit, so that the search limits (<c>Fhir:MaxSearch*</c>) say what is wrong with a long one.
    /// </summary>
    public static FormOptions Search(FhirServerOptions options) =>
        new() { ValueCountLimit = 1_024, KeyLengthLimit = 2_048, ValueLengthLimit = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue) };

    /// <summary>The form, or the status and message of its refusal.</summary>
    public static async Task<(IFormCollection? Form, int Status, string? Refusal)> ReadAsync(
        HttpRequest request, FormOptions limits, long? maxBytes, CancellationToken ct)
    {
        if (maxBytes is { } most)
        {
            if (request.ContentLength > most)
            {
                return (null, 413, $"The form is larger than {most:N0} bytes.");
            }
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = Math.Min(size.MaxRequestBodySize ?? long.MaxValue, most);
            }
        }
        try
        {
            return (await request.ReadFormAsync(limits, ct), 200, null);
        }
        catch (InvalidDataException)
        {
            return (null, 413, $"The form is larger than this server reads: at most {limits.ValueCountLimit:N0} fields, names of {limits.KeyLengthLimit:N0} characters and values of {limits.ValueLengthLimit:N0} characters.");
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode, e.StatusCode switch
            {
                413 => "The form is larger than this server reads.",
                400 => "The form could not be read: the request body is malformed.",
                var other => KestrelRejections.MessageOf(other),
            });
        }
        catch (IOException)
        {
            // Kestrel reports some malformed framing (a chunk size beyond 64 bits) as a plain IOException.
            return (null, 400, "The form could not be read: the request body is malformed.");
        }
    }
}
