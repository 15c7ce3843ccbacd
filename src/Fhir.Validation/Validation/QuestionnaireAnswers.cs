using System.Globalization;
using System.Text.RegularExpressions;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Terminology;

namespace Fhir.Validation.Validation;

/// <summary>
/// The items of one QuestionnaireResponse against the items of its Questionnaire (FHIR R4 §12.3 Questionnaire, §12.4
/// QuestionnaireResponse): linkIds, order, item types, answer types, options, value sets, limits from the core
/// extensions (minValue, maxValue, minLength, regex, maxDecimalPlaces, mimeType, maxSize, minOccurs, maxOccurs), repeats,
/// required and enableWhen. Required items missing from a response that is still <c>in-progress</c> are warnings.
/// </summary>
internal sealed class QuestionnaireAnswers(ValidationRun run, ElementNode response, ElementNode questionnaire, bool inProgress)
{
    private const string Core = "http://hl7.org/fhir/StructureDefinition/";
    private const string Sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Checks the items of <paramref name="container"/> (the response, an item or an answer) against the questionnaire items of <paramref name="definition"/>.</summary>
    public void Items(ElementNode container, ElementNode definition)
    {
        var definitions = definition.ChildrenNamed("item").ToList();
        var byLinkId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            if (definitions[i].GetString("linkId") is { } id)
            {
                byLinkId.TryAdd(id, i);
            }
        }
        var matched = new List<ElementNode>[definitions.Count];
        var lastPosition = -1;
        foreach (var item in container.ChildrenNamed("item"))
        {
            var linkId = item.GetString("linkId");
            if (linkId is null)
            {
                continue; // the missing linkId is a cardinality error already
            }
            if (!byLinkId.TryGetValue(linkId, out var position))
            {
                run.Report(IssueSeverity.Error, IssueType.Structure,
                    $"LinkId '{linkId}' is not an item of the questionnaire {(ReferenceEquals(definition, questionnaire) ? "at its top level" : $"under '{definition.GetString("linkId")}'")}.",
                    item);
                continue;
            }
            if (position < lastPosition)
            {
                run.Report(IssueSeverity.Error, IssueType.Structure,
                    $"The item '{linkId}' is out of order: the questionnaire puts it before '{definitions[lastPosition].GetString("linkId")}'.", item);
            }
            lastPosition = Math.Max(lastPosition, position);
            (matched[position] ??= []).Add(item);
        }
        for (var i = 0; i < definitions.Count; i++)
        {
            var itemDefinition = definitions[i];
            var items = matched[i] ?? [];
            var linkId = itemDefinition.GetString("linkId") ?? "";
            if (!Enabled(itemDefinition, container))
            {
                foreach (var item in items)
                {
                    if (HasAnswers(item))
                    {
                        run.Report(IssueSeverity.Error, IssueType.BusinessRule,
                            $"The item '{linkId}' has answers, but its enableWhen conditions do not enable it.", item);
                    }
                }
                continue;
            }
            if (items.Count == 0)
            {
                if (itemDefinition.Child("required")?.Value is true && itemDefinition.GetString("type") != "display")
                {
                    Required(container, $"No answer was found for the required item '{linkId}'.");
                }
                continue;
            }
            if (items.Count > 1 && itemDefinition.Child("repeats")?.Value is not true)
            {
                run.Report(IssueSeverity.Error, IssueType.Structure,
                    $"The item '{linkId}' does not repeat, but the response has it {items.Count} times.", items[1]);
            }
            foreach (var item in items)
            {
                Item(item, itemDefinition);
            }
        }
    }

    private void Required(ElementNode at, string message) =>
        run.Report(inProgress ? IssueSeverity.Warning : IssueSeverity.Error, IssueType.Required, message, at);

    private static bool HasAnswers(ElementNode item)
    {
        if (item.Child("answer") is not null)
        {
            return true;
        }
        foreach (var child in item.ChildrenNamed("item"))
        {
            if (HasAnswers(child))
            {
                return true;
            }
        }
        return false;
    }

    private void Item(ElementNode item, ElementNode definition)
    {
        var type = definition.GetString("type") ?? "";
        var linkId = definition.GetString("linkId") ?? "";
        var answers = item.ChildrenNamed("answer").ToList();
        switch (type)
        {
            case "group":
                if (answers.Count > 0)
                {
                    run.Report(IssueSeverity.Error, IssueType.Structure,
                        $"The item '{linkId}' is a group: groups have items, not answers.", item);
                }
                Items(item, definition);
                return;
            case "display":
                if (answers.Count > 0 || item.Child("item") is not null)
                {
                    run.Report(IssueSeverity.Error, IssueType.Structure,
                        $"The item '{linkId}' is of type display: it cannot have answers or items.", item);
                }
                return;
        }
        if (item.Child("item") is not null)
        {
            run.Report(IssueSeverity.Error, IssueType.Structure,
                $"The item '{linkId}' is a question: the items nested in it belong inside its answers.", item.Child("item")!);
        }
        if (answers.Count == 0 && definition.Child("required")?.Value is true)
        {
            Required(item, $"No answer was found for the required item '{linkId}'.");
        }
        if (answers.Count > 1 && definition.Child("repeats")?.Value is not true)
        {
            run.Report(IssueSeverity.Error, IssueType.Structure,
                $"The item '{linkId}' does not repeat: only one answer is allowed, but it has {answers.Count}.", item);
        }
        if (IntegerExtension(definition, Core + "questionnaire-minOccurs") is { } minOccurs && answers.Count < minOccurs)
        {
            Required(item, $"The item '{linkId}' needs at least {minOccurs} answers, but it has {answers.Count}.");
        }
        if (IntegerExtension(definition, Core + "questionnaire-maxOccurs") is { } maxOccurs && answers.Count > maxOccurs)
        {
            run.Report(IssueSeverity.Error, IssueType.Structure,
                $"The item '{linkId}' allows at most {maxOccurs} answers, but it has {answers.Count}.", item);
        }
        foreach (var answer in answers)
        {
            if (Value(answer) is { } value)
            {
                Answer(value, definition, type, linkId, answers.Count);
            }
            if (answer.Child("item") is not null)
            {
                Items(answer, definition);
            }
        }
    }

    private static ElementNode? Value(ElementNode answer) => ChoiceValue(answer, "value");

    private static ElementNode? ChoiceValue(ElementNode node, string name)
    {
        foreach (var child in node.Children)
        {
            if (child.Name == name)
            {
                return child;
            }
        }
        return null;
    }

    /// <summary>The answer types an item type takes (R4 Questionnaire.item.type).</summary>
    private static string? AnswerType(string itemType) => itemType switch
    {
        "boolean" => "boolean",
        "decimal" => "decimal",
        "integer" => "integer",
        "date" => "date",
        "dateTime" => "dateTime",
        "time" => "time",
        "string" or "text" => "string",
        "url" => "uri",
        "choice" or "open-choice" => "Coding",
        "attachment" => "Attachment",
        "reference" => "Reference",
        "quantity" => "Quantity",
        _ => null,
    };

    private void Answer(ElementNode value, ElementNode definition, string itemType, string linkId, int answerCount)
    {
        var actual = value.Type.Name;
        var expected = AnswerType(itemType);
        var options = definition.ChildrenNamed("answerOption").ToList();
        var typeFits = expected is null || actual == expected
            || (itemType == "open-choice" && actual == "string")
            // choice questions may offer options of other types (integer, date, time, string, Reference).
            || (itemType is "choice" or "open-choice" && options.Exists(o => OptionValue(o)?.Type.Name == actual));
        if (!typeFits)
        {
            run.Report(IssueSeverity.Error, IssueType.Structure,
                $"The answer to '{linkId}' must be of type {expected}, not {actual} (the item's type is {itemType}).", value);
            return;
        }
        var freeText = itemType == "open-choice" && actual == "string";
        if (options.Count > 0 && !freeText)
        {
            var option = options.Find(o => OptionValue(o) is { } v && SameAnswer(value, v));
            if (option is null)
            {
                run.Report(IssueSeverity.Error, IssueType.CodeInvalid,
                    $"The answer {Describe(value)} to '{linkId}' is not one of the item's answer options.", value);
            }
            else if (answerCount > 1 && BooleanExtension(option, Core + "questionnaire-optionExclusive") == true)
            {
                run.Report(IssueSeverity.Error, IssueType.BusinessRule,
                    $"The answer {Describe(value)} to '{linkId}' is an exclusive option: no other answer may be given with it.", value.Parent!);
            }
        }
        if (definition.GetString("answerValueSet") is { } valueSet && !freeText)
        {
            AnswerInValueSet(value, valueSet, linkId);
        }
        Limits(value, definition, linkId);
    }

    private static ElementNode? OptionValue(ElementNode option) => ChoiceValue(option, "value");

    private void AnswerInValueSet(ElementNode value, string valueSet, string linkId)
    {
        (string? System, string? Code) code = value.Type.Name switch
        {
            "Coding" => (value.GetString("system"), value.GetString("code")),
            _ => (null, value.Value as string),
        };
        if (code.Code is null)
        {
            return;
        }
        switch (run.CheckCode(valueSet, code.System, code.Code))
        {
            case Membership.NotMember:
                run.Report(IssueSeverity.Error, IssueType.CodeInvalid,
                    $"The answer {Describe(value)} to '{linkId}' is not in the value set '{valueSet}'.", value);
                break;
            case Membership.UnknownValueSet:
                run.Report(IssueSeverity.Warning, IssueType.NotFound,
                    $"The value set '{valueSet}' of '{linkId}' is not available, so the answer could not be checked.", value);
                break;
            case Membership.Unknown:
                run.Report(IssueSeverity.Information, IssueType.Informational,
                    $"The answer {Describe(value)} to '{linkId}' could not be checked against '{valueSet}': its code system is not available locally.", value);
                break;
        }
    }

    /// <summary>minValue/maxValue (and SDC min/maxQuantity), minLength, maxLength, regex, maxDecimalPlaces, mimeType, maxSize.</summary>
    private void Limits(ElementNode value, ElementNode definition, string linkId)
    {
        foreach (var extension in definition.ChildrenNamed("extension"))
        {
            var url = extension.GetString("url");
            var bound = Value(extension);
            if (url is null || bound is null)
            {
                continue;
            }
            switch (url)
            {
                case Core + "minValue" or Sdc + "sdc-questionnaire-minQuantity":
                    Bound(value, bound, linkId, minimum: true);
                    break;
                case Core + "maxValue" or Sdc + "sdc-questionnaire-maxQuantity":
                    Bound(value, bound, linkId, minimum: false);
                    break;
                case Core + "minLength" when bound.Value is int min && value.Value is string text && text.Length < min:
                    run.Report(IssueSeverity.Error, IssueType.Value,
                        $"The answer to '{linkId}' is {text.Length} characters long, shorter than the minimum length {min}.", value);
                    break;
                case Core + "regex" when bound.Value is string pattern && value.Value is string text:
                    if (Matches(pattern, text) == false)
                    {
                        run.Report(IssueSeverity.Error, IssueType.Value,
                            $"The answer '{text}' to '{linkId}' does not match the pattern '{pattern}'.", value);
                    }
                    break;
                case Core + "maxDecimalPlaces" when bound.Value is int places && value.Type.Name == "decimal" && DecimalPlaces(value) > places:
                    run.Report(IssueSeverity.Error, IssueType.Value,
                        $"The answer to '{linkId}' has {DecimalPlaces(value)} decimal places, more than the {places} allowed.", value);
                    break;
                case Core + "mimeType" when value.Type.Name == "Attachment":
                    var allowed = definition.ChildrenNamed("extension").Where(e => e.GetString("url") == Core + "mimeType")
                        .Select(e => Value(e)?.Value as string).OfType<string>().ToList();
                    if (value.GetString("contentType") is { } contentType && !allowed.Contains(contentType, StringComparer.OrdinalIgnoreCase)
                        && string.Equals(bound.Value as string, allowed[0], StringComparison.Ordinal))
                    {
                        run.Report(IssueSeverity.Error, IssueType.Value,
                            $"The attachment's content type '{contentType}' is not one the item '{linkId}' allows ({string.Join(", ", allowed)}).", value);
                    }
                    break;
                case Core + "maxSize" when value.Type.Name == "Attachment" && AttachmentSize(value) is { } size && ToDecimal(bound.Value) is { } maxSize && size > maxSize:
                    run.Report(IssueSeverity.Error, IssueType.Value,
                        $"The attachment is {size} bytes, more than the {maxSize} bytes the item '{linkId}' allows.", value);
                    break;
            }
        }
        if (definition.Child("maxLength")?.Value is int maxLength && value.Value is string answer && answer.Length > maxLength)
        {
            run.Report(IssueSeverity.Error, IssueType.Value,
                $"The answer to '{linkId}' is {answer.Length} characters long, longer than the maximum length {maxLength}.", value);
        }
    }

    private void Bound(ElementNode value, ElementNode bound, string linkId, bool minimum)
    {
        var what = minimum ? "minimum" : "maximum";
        if (value.Type.Name == "Quantity" && bound.Type.Name == "Quantity"
            && (value.GetString("code") is null || value.GetString("system") is null || bound.GetString("code") is null || bound.GetString("system") is null))
        {
            run.Report(IssueSeverity.Error, IssueType.Value,
                $"The quantity {Describe(value)} cannot be compared with the {what} {Describe(bound)} of '{linkId}': without a system and code the units are not formal.", value);
            return;
        }
        var comparison = ValidationRun.CompareValues(value, bound);
        if (comparison is null)
        {
            if (value.Type.Name == bound.Type.Name || value.Type.Name == "Quantity")
            {
                run.Report(IssueSeverity.Warning, IssueType.Value,
                    $"The answer {Describe(value)} to '{linkId}' could not be compared with the {what} {Describe(bound)}.", value);
            }
            return;
        }
        if (minimum ? comparison < 0 : comparison > 0)
        {
            run.Report(IssueSeverity.Error, IssueType.Value,
                $"The answer {Describe(value)} to '{linkId}' is {(minimum ? "less" : "more")} than the {what} {Describe(bound)}.", value);
        }
    }

    private static bool? Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, "^(?:" + pattern + ")$", RegexOptions.None, RegexTimeout);
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static int DecimalPlaces(ElementNode value)
    {
        var text = value.DecimalText ?? Convert.ToString(value.Value, CultureInfo.InvariantCulture) ?? "";
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return 0;
        }
        var end = text.IndexOfAny(['e', 'E'], dot);
        return (end < 0 ? text.Length : end) - dot - 1;
    }

    private static decimal? AttachmentSize(ElementNode attachment)
    {
        if (attachment.Child("size")?.Value is { } size && ToDecimal(size) is { } stated)
        {
            return stated;
        }
        return attachment.GetString("data") is { } data ? (data.Length / 4) * 3 - data.Count(c => c == '=') : null;
    }

    private static decimal? ToDecimal(object? value) => value switch
    {
        int i => i,
        long l => l,
        decimal d => d,
        _ => null,
    };

    private static int? IntegerExtension(ElementNode node, string url)
    {
        foreach (var extension in node.ChildrenNamed("extension"))
        {
            if (extension.GetString("url") == url && Value(extension)?.Value is int value)
            {
                return value;
            }
        }
        return null;
    }

    private static bool? BooleanExtension(ElementNode node, string url)
    {
        foreach (var extension in node.ChildrenNamed("extension"))
        {
            if (extension.GetString("url") == url && Value(extension)?.Value is bool value)
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>True when an answer and an option (or enableWhen answer) are the same: codings by system and code, quantities by value and unit, references by reference.</summary>
    private static bool SameAnswer(ElementNode answer, ElementNode expected)
    {
        if (answer.Type.Name != expected.Type.Name)
        {
            return false;
        }
        switch (answer.Type.Name)
        {
            case "Coding":
                return answer.GetString("code") == expected.GetString("code")
                    && (expected.GetString("system") is not { } system || answer.GetString("system") == system);
            case "Quantity":
                return ValidationRun.CompareValues(answer, expected) == 0;
            case "Reference":
                return answer.GetString("reference") == expected.GetString("reference");
            default:
                return answer.Value is { } a && expected.Value is { } b && PatternMatcher.ValueEquals(a, b);
        }
    }

    private static string Describe(ElementNode value) => value.Value is { } v
        ? "'" + Convert.ToString(v, CultureInfo.InvariantCulture) + "'"
        : PatternMatcher.Describe(value);

    /// <summary>
    /// Whether an item's enableWhen conditions hold (R4: <c>enableBehavior</c> all, the default, or any). The answers to a
    /// condition's question are looked for from the item's own level outwards, so that an item inside a repeated group
    /// sees the answers of its own repetition first.
    /// </summary>
    private bool Enabled(ElementNode definition, ElementNode container)
    {
        var any = definition.GetString("enableBehavior") == "any";
        var seen = false;
        foreach (var condition in definition.ChildrenNamed("enableWhen"))
        {
            seen = true;
            var holds = Holds(condition, container);
            if (any && holds)
            {
                return true;
            }
            if (!any && !holds)
            {
                return false;
            }
        }
        return !seen || !any;
    }

    private bool Holds(ElementNode condition, ElementNode container)
    {
        var question = condition.GetString("question");
        var op = condition.GetString("operator");
        var expected = ChoiceValue(condition, "answer");
        if (question is null || op is null || expected is null)
        {
            return true; // que-? invariants report a malformed condition; it does not hide the item
        }
        var answers = AnswersTo(question, container);
        if (op == "exists")
        {
            return (answers.Count > 0) == (expected.Value is true);
        }
        foreach (var answer in answers)
        {
            var result = op switch
            {
                "=" => SameAnswer(answer, expected),
                "!=" => !SameAnswer(answer, expected),
                _ => ValidationRun.CompareValues(answer, expected) is { } c && op switch
                {
                    ">" => c > 0,
                    "<" => c < 0,
                    ">=" => c >= 0,
                    "<=" => c <= 0,
                    _ => false,
                },
            };
            if (result)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The answer values of the items with <paramref name="linkId"/>, searched from <paramref name="container"/> outwards.</summary>
    private List<ElementNode> AnswersTo(string linkId, ElementNode container)
    {
        var found = new List<ElementNode>();
        for (var scope = container; scope is not null; scope = scope.Parent)
        {
            Collect(scope, linkId, found);
            if (found.Count > 0 || ReferenceEquals(scope, response))
            {
                break;
            }
        }
        return found;
    }

    private static void Collect(ElementNode node, string linkId, List<ElementNode> found)
    {
        foreach (var item in node.ChildrenNamed("item"))
        {
            if (item.GetString("linkId") == linkId)
            {
                foreach (var answer in item.ChildrenNamed("answer"))
                {
                    if (Value(answer) is { } value)
                    {
                        found.Add(value);
                    }
                }
            }
            Collect(item, linkId, found);
            foreach (var answer in item.ChildrenNamed("answer"))
            {
                Collect(answer, linkId, found);
            }
        }
    }
}
