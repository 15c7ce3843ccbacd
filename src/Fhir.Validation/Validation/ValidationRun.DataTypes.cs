using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    private static readonly Regex UuidUrn = new("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", RegexOptions.CultureInvariant);
    private static readonly Regex OidUrn = new(@"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$", RegexOptions.CultureInvariant);
    private static readonly Regex MimeType = new(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[^;=\s]+=[^;]*)*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// What the definitions cannot say about a data type's value (the rules the specification gives in prose): an
    /// Attachment's stated size and hash agree with its data and its contentType is a MIME type; a literal reference is
    /// a URL and names a resource type; <c>urn:uuid:</c> and <c>urn:oid:</c> URIs are well formed.
    /// </summary>
    private void DataType(ElementNode node)
    {
        switch (node.Type.Name)
        {
            case "Attachment":
                Attachment(node);
                break;
            case "Reference":
                if (node.GetString("reference") is { } reference)
                {
                    LiteralReference(node, reference);
                    if (!Options.AllowExampleUrls)
                    {
                        NotAnExample(node.Child("reference")!, reference);
                    }
                }
                break;
            case "uri" or "url" or "canonical":
                if (node.Value is string uri)
                {
                    Uri(node, uri);
                    if (node.Type.Name == "url" && !Options.AllowExampleUrls)
                    {
                        NotAnExample(node, uri);
                    }
                }
                break;
        }
    }

    private void Attachment(ElementNode attachment)
    {
        if (attachment.Child("contentType") is { Value: string contentType } type && !MimeType.IsMatch(contentType))
        {
            Add(IssueSeverity.Error, IssueType.Value, $"'{contentType}' is not a MIME type (type/subtype, optionally with parameters).", type);
        }
        if (attachment.GetString("data") is not { } data)
        {
            return;
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return; // the reader reports base64 that does not decode
        }
        if (attachment.Child("size") is { Value: int size } sizeNode && size != bytes.Length)
        {
            Add(IssueSeverity.Error, IssueType.Value, $"The stated size {size} does not match the size of the data ({bytes.Length} bytes).", sizeNode);
        }
        if (attachment.Child("hash") is { Value: string hash } hashNode)
        {
            var actual = Convert.ToBase64String(SHA1.HashData(bytes));
            if (!string.Equals(hash, actual, StringComparison.Ordinal))
            {
                // A warning: published examples carry hex digests here, and a digest is the sender's claim rather than content.
                Add(IssueSeverity.Warning, IssueType.Value, $"The stated hash {hash} is not the SHA-1 of the data ({actual}).", hashNode);
            }
        }
    }

    private void LiteralReference(ElementNode node, string reference)
    {
        if (reference.StartsWith('#') || reference.StartsWith("urn:", StringComparison.Ordinal))
        {
            return;
        }
        if (reference.Any(char.IsWhiteSpace))
        {
            Add(IssueSeverity.Error, IssueType.Invalid, $"The reference '{reference}' is not a valid URL: it contains whitespace.", node);
        }
        if (reference.Contains('?', StringComparison.Ordinal) || IsAbsoluteUrl(reference))
        {
            return; // a conditional reference (search URL), resolved by the server; or another server's URL, whose paths are its own
        }
        // [base/]Type/id[/_history/vid]: the segment before the id must be a resource type when it looks like a type name.
        var path = reference;
        var history = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            path = path[..history];
        }
        var idSlash = path.LastIndexOf('/');
        if (idSlash <= 0)
        {
            return;
        }
        var typeSlash = path.LastIndexOf('/', idSlash - 1);
        var type = path[(typeSlash + 1)..idSlash];
        if (type.Length > 0 && char.IsAsciiLetterUpper(type[0]) && type.All(char.IsAsciiLetter)
            && !Core.Definitions.FhirDefinitions.R4.IsResourceType(type))
        {
            Add(IssueSeverity.Error, IssueType.Invalid, $"The reference '{reference}' names '{type}', which is not a resource type.", node);
        }
    }

    private void NotAnExample(ElementNode node, string url)
    {
        if (System.Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Host is { Length: > 0 } host
            && (IsExampleDomain(host, "example.org") || IsExampleDomain(host, "example.com") || IsExampleDomain(host, "example.net")))
        {
            Add(IssueSeverity.Error, IssueType.Value, $"Example URLs are not allowed here ('{url}').", node);
        }

        static bool IsExampleDomain(string host, string domain) =>
            host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }

    private void Uri(ElementNode node, string uri)
    {
        if (uri.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase))
        {
            if (UuidUrn.IsMatch(uri))
            {
                return;
            }
            // RFC 4122 reads upper case on input; FHIR asks for lower case. A malformed UUID is an error.
            var wellFormed = UuidUrn.IsMatch("urn:uuid:" + uri["urn:uuid:".Length..].ToLowerInvariant());
            Add(wellFormed ? IssueSeverity.Warning : IssueSeverity.Error, IssueType.Invalid,
                wellFormed ? $"'{uri}': UUIDs should be in lower case." : $"'{uri}' is not a valid UUID URN (urn:uuid: and a UUID in lower case).", node);
        }
        else if (uri.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase) && !OidUrn.IsMatch(uri))
        {
            // A warning: placeholders such as urn:oid:X.Y.Z appear in published examples.
            Add(IssueSeverity.Warning, IssueType.Invalid, $"'{uri}' is not a valid OID URN.", node);
        }
    }
}
