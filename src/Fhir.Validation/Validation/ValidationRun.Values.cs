using System.Globalization;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Terminology;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>fixed[x], pattern[x], minValue/maxValue and maxLength.</summary>
    private void Values(ElementNode node, ElementPlan element)
    {
        if (element.Fixed is { } fixedValue && !PatternMatcher.Matches(node, fixedValue, exact: true))
        {
            FixedMismatch(node, fixedValue, element);
        }
        if (element.Pattern is { } pattern && !PatternMatcher.Matches(node, pattern, exact: false))
        {
            Add(IssueSeverity.Error, IssueType.Value,
                $"The value does not match the pattern {PatternMatcher.Describe(pattern)} required by '{element.Id}'.", node);
        }
        if (element.MinValue is { } min && Compare(node, min) is < 0)
        {
            Add(IssueSeverity.Error, IssueType.Value, $"The value {Text(node)} is less than the minimum {Text(min)} of '{element.Id}'.", node);
        }
        if (element.MaxValue is { } max && Compare(node, max) is > 0)
        {
            Add(IssueSeverity.Error, IssueType.Value, $"The value {Text(node)} is more than the maximum {Text(max)} of '{element.Id}'.", node);
        }
        if (element.MaxLength > 0 && node.Value is string text && text.Length > element.MaxLength)
        {
            Add(IssueSeverity.Error, IssueType.Value,
                $"The value is {text.Length} characters long, more than the maximum length {element.MaxLength} of '{element.Id}'.", node);
        }
    }

    /// <summary>
    /// A complex value that is not exactly the fixed one: each element the fixed value does not have is reported where it
    /// is; what the fixed value has and the instance lacks or differs in is reported on the value itself.
    /// </summary>
    private void FixedMismatch(ElementNode node, ElementNode fixedValue, ElementPlan element)
    {
        var extra = false;
        if (node.Value is null && fixedValue.Value is null)
        {
            foreach (var child in node.Children)
            {
                if (child.Name != "id" && fixedValue.Child(child.Name) is null)
                {
                    extra = true;
                    Add(IssueSeverity.Error, IssueType.Value,
                        $"'{child.JsonName}' is present, but the value fixed by '{element.Id}' ({PatternMatcher.Describe(fixedValue)}) does not have it.", child);
                }
            }
        }
        if (!extra || !PatternMatcher.Matches(node, fixedValue, exact: false))
        {
            Add(IssueSeverity.Error, IssueType.Value,
                $"The value must be exactly {PatternMatcher.Describe(fixedValue)} (fixed by '{element.Id}').", node);
        }
    }

    private static string Text(ElementNode node) => node.Type.Name == "Quantity"
        ? PatternMatcher.Describe(node)
        : Convert.ToString(node.Value, CultureInfo.InvariantCulture) ?? "(none)";

    /// <summary>Compares a value with a bound; null when they cannot be compared (different units, types or precisions).</summary>
    private static int? Compare(ElementNode node, ElementNode bound)
    {
        if (node.Type.Name == "Quantity" && bound.Type.Name == "Quantity")
        {
            if (node.GetString("code") != bound.GetString("code") || node.GetString("system") != bound.GetString("system"))
            {
                return null;
            }
            var a = node.Child("value");
            var b = bound.Child("value");
            return a is null || b is null ? null : Compare(a, b);
        }
        return (node.Value, bound.Value) switch
        {
            (int x, int y) => x.CompareTo(y),
            (decimal x, decimal y) => x.CompareTo(y),
            (int x, decimal y) => ((decimal)x).CompareTo(y),
            (decimal x, int y) => x.CompareTo(y),
            // Dates, times and instants in the same precision and zone compare as text.
            (string x, string y) when x.Length == y.Length => string.CompareOrdinal(x, y),
            _ => null,
        };
    }

    /// <summary>Checks a coded value against a required or extensible binding.</summary>
    private void Binding(ElementNode node, BindingPlan binding)
    {
        if (_nesting == 0 && !(_checkedBindings ??= []).Add((node, binding.ValueSet)))
        {
            return; // a profile repeating the base binding
        }
        switch (node.Type.Name)
        {
            case "code" or "string" or "uri":
                if (node.Value is string code)
                {
                    Codes(node, binding, [(null, code)]);
                }
                break;
            case "Coding":
                if (node.GetString("code") is { } codingCode)
                {
                    Codes(node, binding, [(node.GetString("system"), codingCode)]);
                }
                break;
            case "Quantity":
                if (node.GetString("code") is { } unit)
                {
                    Codes(node, binding, [(node.GetString("system"), unit)]);
                }
                break;
            case "CodeableConcept":
                List<(string?, string)>? codings = null;
                foreach (var coding in node.ChildrenNamed("coding"))
                {
                    if (coding.GetString("code") is { } c)
                    {
                        (codings ??= []).Add((coding.GetString("system"), c));
                    }
                }
                if (codings is null)
                {
                    if (binding.Strength == BindingStrength.Required)
                    {
                        Add(IssueSeverity.Error, IssueType.CodeInvalid,
                            $"No code provided, and a code is required from the value set '{binding.ValueSet}'.", node);
                    }
                    return;
                }
                Codes(node, binding, codings);
                break;
        }
    }

    private void Codes(ElementNode node, BindingPlan binding, List<(string? System, string Code)> codes)
    {
        string? unchecked_ = null;
        var valueSetKnown = true;
        foreach (var (system, code) in codes)
        {
            switch (Terminology.Check(binding.ValueSet, system, code))
            {
                case Membership.Member:
                    return;
                case Membership.Unknown:
                    unchecked_ ??= system is null ? code : system + "#" + code;
                    break;
                case Membership.UnknownValueSet:
                    valueSetKnown = false;
                    break;
            }
        }
        if (!valueSetKnown)
        {
            Add(binding.Strength == BindingStrength.Required ? IssueSeverity.Warning : IssueSeverity.Information, IssueType.NotFound,
                $"The value set '{binding.ValueSet}' is not available, so the code could not be checked.", node);
            return;
        }
        if (unchecked_ is not null)
        {
            Add(IssueSeverity.Information, IssueType.Informational,
                $"The code '{unchecked_}' could not be checked against the value set '{binding.ValueSet}': its code system is not available locally.",
                node);
            return;
        }
        var shown = codes[0].System is null ? codes[0].Code : codes[0].System + "#" + codes[0].Code;
        if (binding.Strength == BindingStrength.Required)
        {
            Add(IssueSeverity.Error, IssueType.CodeInvalid,
                $"The code '{shown}' is not in the value set '{binding.ValueSet}', which is required.", node);
        }
        else
        {
            Add(IssueSeverity.Warning, IssueType.CodeInvalid,
                $"The code '{shown}' is not in the value set '{binding.ValueSet}', which is extensible: a code from it should be used when one fits.",
                node);
        }
    }
}
