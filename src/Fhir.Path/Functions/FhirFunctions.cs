using Fhir.Core.Model;
using Fhir.Path.Evaluation;
using Fhir.Path.Services;

namespace Fhir.Path.Functions;

/// <summary>The functions FHIR adds to FHIRPath: extension, hasValue, getValue, resolve, conformsTo, memberOf, htmlChecks.</summary>
internal static class FhirFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("extension", 1, 1, Extension);
        // Not in the FHIRPath specification, but R4's own search parameter questionnaireresponse-subject uses it.
        yield return new("hasExtension", 1, 1, (frame, focus, input, site) => Items.Of(Extension(frame, focus, input, site).Count > 0));
        // A system value (a literal, a function's result) is a primitive that has its value.
        yield return new("hasValue", 0, 0, (_, _, input, _) =>
            Items.Of(input.Count == 1 && (input[0] is ElementNode n ? Values.IsPrimitive(n) && n.Value is not null : Values.KindOfValue(input[0]) is not (SystemKind.None or SystemKind.Quantity))));
        yield return new("getValue", 0, 0, (_, _, input, _) =>
            input.Count == 1 && (input[0] is ElementNode n ? Values.IsPrimitive(n) : Values.KindOfValue(input[0]) is not (SystemKind.None or SystemKind.Quantity))
            && Values.ToSystem(input[0]) is { } v ? Items.Single(v) : Items.Empty);
        yield return new("resolve", 0, 0, Resolve, Pure: false);
        yield return new("conformsTo", 1, 1, ConformsTo, Pure: false);
        yield return new("memberOf", 1, 1, MemberOf, Pure: false);
        yield return new("htmlChecks", 0, 0, (_, _, input, site) => Args.StringInput(input, site) is { } xhtml ? Items.Of(NarrativeChecker.IsValid(xhtml)) : Items.Empty);
    }

    private static IReadOnlyList<object> Extension(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var url = Args.String(frame, focus, site, 0);
        if (url is null || input.Count == 0)
        {
            return Items.Empty;
        }
        List<object>? result = null;
        foreach (var item in input)
        {
            if (item is not ElementNode node)
            {
                continue;
            }
            foreach (var child in node.Children)
            {
                if (child.Name == "extension" && child.Child("url")?.Value is string u && u == url)
                {
                    (result ??= []).Add(child);
                }
            }
        }
        return Items.From(result);
    }

    private static IReadOnlyList<object> Resolve(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        List<object>? result = null;
        foreach (var item in input)
        {
            string? reference;
            ElementNode? source = item as ElementNode;
            if (source is not null && !Values.IsPrimitive(source))
            {
                reference = source.Child("reference")?.Value as string;
            }
            else
            {
                Values.TryGetString(item, out var s);
                reference = s;
            }
            if (string.IsNullOrEmpty(reference))
            {
                continue;
            }
            var resolved = ReferenceResolution.Resolve(reference, source, frame);
            if (resolved is not null)
            {
                (result ??= []).Add(resolved);
            }
        }
        return Items.From(result);
    }

    private static IReadOnlyList<object> ConformsTo(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var url = Args.String(frame, focus, site, 0);
        if (url is null || input.Count == 0)
        {
            return Items.Empty;
        }
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be a single item, not {input.Count}");
        }
        if (input[0] is not ElementNode node)
        {
            return Items.False;
        }
        var result = frame.Context.ProfileValidator.ConformsTo(node, url)
            ?? throw site.Fail($"unknown profile '{url}'");
        return Items.Of(result);
    }

    private static IReadOnlyList<object> MemberOf(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var url = Args.String(frame, focus, site, 0);
        if (url is null || input.Count == 0)
        {
            return Items.Empty;
        }
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be a single item, not {input.Count}");
        }
        var terminology = frame.Context.Terminology;
        var item = input[0];
        if (Values.TryGetString(item, out var code))
        {
            return Items.Of(terminology.IsMember(url, null, code));
        }
        if (item is not ElementNode node)
        {
            return Items.Empty;
        }
        var codings = node.Type.Name == "CodeableConcept" ? node.Children.Where(c => c.Name == "coding").ToList() : [node];
        bool? answer = false;
        foreach (var coding in codings)
        {
            if (coding.Child("code")?.Value is not string c)
            {
                continue;
            }
            var member = terminology.IsMember(url, coding.Child("system")?.Value as string, c);
            if (member == true)
            {
                return Items.True;
            }
            if (member is null)
            {
                answer = null;
            }
        }
        return Items.Of(answer);
    }
}
