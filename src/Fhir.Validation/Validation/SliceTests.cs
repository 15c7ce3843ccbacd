using Fhir.Path;

namespace Fhir.Validation.Validation;

/// <summary>
/// Works out, when a plan is compiled, what each discriminator requires of the nodes of one slice, by walking the
/// discriminator's path through the slice's own definition.
/// </summary>
internal static class SliceTests
{
    public static SliceTest[] Build(SlicingPlan slicing, ElementPlan slice)
    {
        var tests = new SliceTest[slicing.Discriminators.Length];
        for (var i = 0; i < tests.Length; i++)
        {
            tests[i] = Build(slicing.Discriminators[i], slice);
        }
        return tests;
    }

    private static SliceTest Build(Discriminator discriminator, ElementPlan slice)
    {
        var steps = Steps(discriminator.Path);
        // The elements along the path, with the path prefix that reaches each one.
        var visited = new List<(ElementPlan Element, string Prefix, int Consumed)> { (slice, "$this", 0) };
        var consumed = 0;
        var current = slice;
        var resolved = false;
        var prefix = "";
        string? urlFromProfile = null;
        var alternatives = new List<ElementPlan>();
        var nextAlternatives = new List<ElementPlan>();
        foreach (var step in steps)
        {
            consumed++;
            if (step == "$this" || step.StartsWith("ofType(", StringComparison.Ordinal) || step.StartsWith("as(", StringComparison.Ordinal))
            {
                prefix = Append(prefix, step);
                continue;
            }
            if (step == "resolve()")
            {
                resolved = true;
                break;
            }
            prefix = Append(prefix, step);
            if (step.StartsWith("extension(", StringComparison.Ordinal))
            {
                var url = step["extension(".Length..^1].Trim('\'', '"');
                var next = FindExtensionSlice(current, url);
                if (next is null)
                {
                    current = null;
                    break;
                }
                current = next;
                visited.Add((current, prefix, consumed));
                continue;
            }
            if (step == "url" && current.Children.Length == 0 && current.Types.Length == 1 && current.Types[0].Code == "Extension"
                && current.Types[0].Profiles.Length == 1)
            {
                // An extension slice that is not unrolled: its URL is its profile.
                urlFromProfile = current.Types[0].Profiles[0];
                current = null;
                break;
            }
            var child = current.FindChild(step);
            // The value may be fixed inside the slices of a repeating element on the way (code.coding:SBPCode.code).
            foreach (var alternative in alternatives)
            {
                if (alternative.FindChild(step) is { } next)
                {
                    nextAlternatives.Add(next);
                    nextAlternatives.AddRange(next.Slices);
                }
            }
            foreach (var sliceOfCurrent in current.Slices)
            {
                if (sliceOfCurrent.FindChild(step) is { } next)
                {
                    nextAlternatives.Add(next);
                }
            }
            if (child is not null)
            {
                nextAlternatives.AddRange(child.Slices);
            }
            (alternatives, nextAlternatives) = (nextAlternatives, alternatives);
            nextAlternatives.Clear();
            current = child ?? (alternatives.Count > 0 ? alternatives[0] : null);
            if (current is null)
            {
                break;
            }
            visited.Add((current, prefix, consumed));
        }
        if (current is not null && current.Fixed is null && current.Pattern is null)
        {
            foreach (var alternative in alternatives)
            {
                if (alternative.Fixed is not null || alternative.Pattern is not null)
                {
                    current = alternative;
                    break;
                }
            }
        }
        switch (discriminator.Type)
        {
            case DiscriminatorType.Value or DiscriminatorType.Pattern:
                if (urlFromProfile is not null)
                {
                    return new SliceTest { Discriminator = discriminator, ExpectedText = urlFromProfile, IsFixed = true };
                }
                if (current is not null && (current.Fixed ?? current.Pattern) is { } expected)
                {
                    return new SliceTest { Discriminator = discriminator, Expected = expected, IsFixed = current.Fixed is not null };
                }
                // The value may be given on an ancestor (a patternCodeableConcept for the path code.coding.code).
                for (var i = visited.Count - 1; i >= 0; i--)
                {
                    var (element, at, used) = visited[i];
                    if ((element.Fixed ?? element.Pattern) is { } ancestorValue)
                    {
                        // The part of the ancestor's value at the rest of the path (fixedContactPoint.use for the path use),
                        // compared like a value fixed there.
                        if (Descend(ancestorValue, steps, used) is { } inner)
                        {
                            return new SliceTest { Discriminator = discriminator, Expected = inner, IsFixed = element.Fixed is not null };
                        }
                        return new SliceTest
                        {
                            Discriminator = discriminator,
                            Expected = ancestorValue,
                            IsFixed = element.Fixed is not null,
                            ExpectedAt = at == "$this" ? null : Compile(at),
                            AtAncestor = true,
                        };
                    }
                }
                if (current?.Binding is { Strength: BindingStrength.Required } binding)
                {
                    return new SliceTest { Discriminator = discriminator, ValueSet = binding.ValueSet };
                }
                return new SliceTest { Discriminator = discriminator, Unconstrained = true };
            case DiscriminatorType.Type:
                if (current is null)
                {
                    return new SliceTest { Discriminator = discriminator, Unconstrained = true };
                }
                var types = new List<string>();
                foreach (var type in current.Types)
                {
                    if (resolved)
                    {
                        foreach (var target in type.TargetProfiles)
                        {
                            types.Add(target[(target.LastIndexOf('/') + 1)..]);
                        }
                    }
                    else
                    {
                        types.Add(type.Code);
                    }
                }
                return new SliceTest { Discriminator = discriminator, Types = [.. types], Unconstrained = types.Count == 0 };
            case DiscriminatorType.Profile:
                if (current is null)
                {
                    return new SliceTest { Discriminator = discriminator, Unconstrained = true };
                }
                var profiles = new List<string>();
                foreach (var type in current.Types)
                {
                    profiles.AddRange(resolved ? type.TargetProfiles : type.Profiles);
                }
                return new SliceTest { Discriminator = discriminator, Profiles = [.. profiles], Unconstrained = profiles.Count == 0 };
            default:
                if (current is null || (current.Min == 0 && current.Max != 0))
                {
                    return new SliceTest { Discriminator = discriminator, Unconstrained = true };
                }
                return new SliceTest { Discriminator = discriminator, MustExist = current.Min > 0 };
        }
    }

    /// <summary>The single node reached from <paramref name="value"/> by the simple child steps after the first <paramref name="from"/>; null otherwise.</summary>
    private static Fhir.Core.Model.ElementNode? Descend(Fhir.Core.Model.ElementNode value, List<string> steps, int from)
    {
        if (from >= steps.Count)
        {
            return null; // nothing left to descend: the ancestor comparison applies
        }
        var node = value;
        for (var i = from; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Contains('(', StringComparison.Ordinal) || step == "$this")
            {
                return null;
            }
            Fhir.Core.Model.ElementNode? only = null;
            foreach (var child in node.ChildrenNamed(step))
            {
                if (only is not null)
                {
                    return null;
                }
                only = child;
            }
            if (only is null)
            {
                return null;
            }
            node = only;
        }
        return node;
    }

    private static ElementPlan? FindExtensionSlice(ElementPlan parent, string url)
    {
        if (parent.FindChild("extension") is not { } extension)
        {
            return null;
        }
        foreach (var slice in extension.Slices)
        {
            foreach (var type in slice.Types)
            {
                if (Array.IndexOf(type.Profiles, url) >= 0)
                {
                    return slice;
                }
            }
            if (slice.FindChild("url")?.Fixed?.Value is string fixedUrl && fixedUrl == url)
            {
                return slice;
            }
        }
        return null;
    }

    private static string Append(string prefix, string step) => prefix.Length == 0 ? step : prefix + "." + step;

    private static CompiledExpression? Compile(string path) => FhirPathCompiler.TryCompile(path, out var compiled, out _) ? compiled : null;

    /// <summary>Splits a discriminator path on the dots outside parentheses and quotes.</summary>
    internal static List<string> Steps(string path)
    {
        var steps = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == '.')
            {
                steps.Add(path[start..i]);
                start = i + 1;
            }
        }
        steps.Add(path[start..]);
        return steps;
    }
}
