using System.Globalization;
using System.Numerics;

namespace Fhir.Core.Ucum;

/// <summary>
/// A UCUM unit expression, parsed and reduced to base units. <see cref="IsValid"/> is the grammar and the
/// table (every symbol known, prefixes only on metric units). A valid unit may still not be convertible
/// (<see cref="Problem"/>): a special unit used inside a product or with an exponent, or absurd magnitudes.
/// </summary>
internal sealed class ParsedUnit
{
    public required string Text { get; init; }

    public bool IsValid => Error is null;

    /// <summary>Why the expression is not valid UCUM, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Why a valid expression cannot be converted, or null.</summary>
    public string? Problem { get; init; }

    public bool IsConvertible => Error is null && Problem is null;

    /// <summary>One of this unit is <see cref="Factor"/> × <see cref="Dimension"/> (for a special unit: of its function's unit).</summary>
    public Rational Factor { get; init; } = Rational.One;

    public Dimension Dimension { get; init; } = Dimension.None;

    /// <summary>The special unit this expression consists of (e.g. <c>Cel</c> in <c>mCel</c>), or null.</summary>
    public UcumAtom? Special { get; init; }

    /// <summary>The prefix applied to <see cref="Special"/> (1 without prefix).</summary>
    public Rational SpecialPrefix { get; init; } = Rational.One;

    /// <summary>Whether the dimension involves an arbitrary unit (<c>[IU]</c>, <c>[arb'U]</c>…).</summary>
    public bool IsArbitrary { get; init; }

    /// <summary>Maps a value in this unit to the base-unit magnitude.</summary>
    public bool TryToCanonical(Rational value, out Rational canonical)
    {
        canonical = Rational.Zero;
        if (!IsConvertible)
        {
            return false;
        }

        if (Special is null)
        {
            canonical = value * Factor;
            return true;
        }

        if (!Special.Special!.TryToRatio(value * SpecialPrefix, out var ratio))
        {
            return false;
        }

        canonical = ratio * Special.Factor;
        return true;
    }

    /// <summary>Maps a base-unit magnitude to a value in this unit.</summary>
    public bool TryFromCanonical(Rational canonical, out Rational value)
    {
        value = Rational.Zero;
        if (!IsConvertible)
        {
            return false;
        }

        if (Special is null)
        {
            value = canonical / Factor;
            return true;
        }

        if (!Special.Special!.TryFromRatio(canonical / Special.Factor, out var x))
        {
            return false;
        }

        value = x / SpecialPrefix;
        return true;
    }
}

/// <summary>
/// Recursive-descent parser for the UCUM grammar (§2.1 of the specification):
/// <code>
/// main-term   ::= "/" term | term
/// term        ::= term "." component | term "/" component | component
/// component   ::= annotatable annotation | annotatable | annotation | factor [annotation] | "(" term ")"
/// annotatable ::= simple-unit exponent | simple-unit
/// simple-unit ::= ATOM | PREFIX ATOM(metric)
/// exponent    ::= ["+" | "-"] digits
/// annotation  ::= "{" printable ASCII except braces "}"
/// </code>
/// Operators are left-associative with equal precedence (<c>s/m.mg</c> = s.m-1.mg). Case-sensitive codes only.
/// <c>1{c}</c> (a factor with an annotation) is accepted as reference implementations do.
/// </summary>
internal sealed class UcumParser
{
    private const int MaxDepth = 32;
    private const int MaxExponent = 1000;
    private const long MaxBits = 200_000;

    private readonly UcumData _data;
    private readonly string _s;
    private int _pos;
    private int _depth;
    private string? _error;

    private UcumParser(UcumData data, string text)
    {
        _data = data;
        _s = text;
    }

    public static ParsedUnit Parse(UcumData data, string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new ParsedUnit { Text = text ?? "", Error = "an empty string is not a UCUM unit" };
        }

        var parser = new UcumParser(data, text);
        var term = parser.ParseMain();
        if (parser._error is not null || term is null)
        {
            return new ParsedUnit { Text = text, Error = parser._error ?? "invalid unit" };
        }

        var t = term.Value;
        return new ParsedUnit
        {
            Text = text,
            Problem = t.Problem,
            Factor = t.Factor,
            Dimension = t.Dim,
            Special = t.Special,
            SpecialPrefix = t.Special is null ? Rational.One : t.SpecialPrefix,
            IsArbitrary = t.Dim.Any(data.IsArbitraryKey),
        };
    }

    private Term? ParseMain()
    {
        Term? term;
        if (_s[0] == '/')
        {
            _pos = 1;
            var divisor = ParseTerm();
            term = divisor is null ? null : Term.Divide(Term.One, divisor.Value);
        }
        else
        {
            term = ParseTerm();
        }

        if (term is null)
        {
            return null;
        }

        if (_pos < _s.Length)
        {
            return Fail(_s[_pos] == ')' ? $"unbalanced ')' at position {_pos + 1}" : $"unexpected '{_s[_pos]}' at position {_pos + 1}");
        }

        return term;
    }

    private Term? ParseTerm()
    {
        var term = ParseComponent();
        while (term is not null && _pos < _s.Length && (_s[_pos] == '.' || _s[_pos] == '/'))
        {
            var op = _s[_pos++];
            var next = ParseComponent();
            if (next is null)
            {
                return null;
            }

            term = op == '.' ? Term.Multiply(term.Value, next.Value) : Term.Divide(term.Value, next.Value);
        }

        return term;
    }

    private Term? ParseComponent()
    {
        if (_pos >= _s.Length)
        {
            return Fail(_pos > 0 ? $"'{_s[_pos - 1]}' is not followed by a unit" : "expected a unit");
        }

        var c = _s[_pos];
        if (c == '(')
        {
            if (++_depth > MaxDepth)
            {
                return Fail($"parentheses nested deeper than {MaxDepth}");
            }

            _pos++;
            var inner = ParseTerm();
            if (inner is null)
            {
                return null;
            }

            if (_pos >= _s.Length || _s[_pos] != ')')
            {
                return Fail($"missing ')' at position {_pos + 1}");
            }

            _pos++;
            _depth--;
            return inner;
        }

        if (c == '{')
        {
            return ParseAnnotation() ? Term.Annotation : null;
        }

        if (char.IsAsciiDigit(c))
        {
            var start = _pos;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
            {
                _pos++;
            }

            if (_pos - start == 2 && _s[start] == '1' && _s[start + 1] == '0' && _pos < _s.Length && (_s[_pos] == '*' || _s[_pos] == '^'))
            {
                _pos++; // the unit atom 10* or 10^ (the number ten for arbitrary powers)
                return ParseAnnotatable(start);
            }

            var factor = Term.Number(BigInteger.Parse(_s.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture));
            if (_pos < _s.Length && _s[_pos] == '{' && !ParseAnnotation())
            {
                return null;
            }

            return factor;
        }

        var symbolStart = _pos;
        if (!ReadSymbol())
        {
            return null;
        }

        return ParseAnnotatable(symbolStart);
    }

    /// <summary>Reads the symbol characters of a simple unit: everything up to an operator, a parenthesis, a brace, a digit or a sign, with [...] taken whole.</summary>
    private bool ReadSymbol()
    {
        var start = _pos;
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c == '[')
            {
                var close = _s.IndexOf(']', _pos + 1);
                if (close < 0)
                {
                    return Error($"'[' at position {_pos + 1} is not closed");
                }

                for (var i = _pos + 1; i < close; i++)
                {
                    if (_s[i] is < '!' or > '~' or '[')
                    {
                        return Error($"invalid character '{_s[i]}' at position {i + 1}");
                    }
                }

                _pos = close + 1;
                continue;
            }

            if (c is '.' or '/' or '(' or ')' or '{' or '}' or '+' or '-' || char.IsAsciiDigit(c))
            {
                break;
            }

            if (c is ']' or < '!' or > '~')
            {
                return Error($"invalid character '{c}' at position {_pos + 1}");
            }

            _pos++;
        }

        if (_pos == start)
        {
            return Error(_s[_pos] is '}' ? $"unbalanced '}}' at position {_pos + 1}" : $"expected a unit at position {_pos + 1}, found '{_s[_pos]}'");
        }

        return true;
    }

    private Term? ParseAnnotatable(int symbolStart)
    {
        var symbol = _s.AsSpan(symbolStart, _pos - symbolStart);
        if (!Resolve(symbol, out var atom, out var prefix))
        {
            return null;
        }

        var exponent = 1;
        var hugeExponent = false;
        if (_pos < _s.Length && (_s[_pos] is '+' or '-' || char.IsAsciiDigit(_s[_pos])))
        {
            var negative = _s[_pos] == '-';
            if (_s[_pos] is '+' or '-')
            {
                _pos++;
            }

            var digitsStart = _pos;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
            {
                _pos++;
            }

            if (_pos == digitsStart)
            {
                return Fail($"the sign at position {digitsStart} is not followed by an exponent");
            }

            var digits = _s.AsSpan(digitsStart, _pos - digitsStart);
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e <= MaxExponent)
            {
                exponent = negative ? -e : e;
            }
            else
            {
                hugeExponent = true;
            }
        }

        if (_pos < _s.Length && _s[_pos] == '{' && !ParseAnnotation())
        {
            return null;
        }

        if (hugeExponent)
        {
            return Term.Fault($"the exponent of '{symbol}' is too large to convert");
        }

        return Term.Atom(atom, prefix, exponent);
    }

    private bool Resolve(ReadOnlySpan<char> symbol, out UcumAtom atom, out UcumPrefix? prefix)
    {
        prefix = null;
        if (_data.TryGetAtom(symbol, out atom))
        {
            return true;
        }

        UcumAtom? nonMetric = null;
        foreach (var p in _data.PrefixesLongestFirst)
        {
            if (symbol.Length > p.Code.Length && symbol.StartsWith(p.Code, StringComparison.Ordinal)
                && _data.TryGetAtom(symbol[p.Code.Length..], out var candidate))
            {
                if (candidate.IsMetric)
                {
                    atom = candidate;
                    prefix = p;
                    return true;
                }

                nonMetric ??= candidate;
            }
        }

        Fail(nonMetric is not null
            ? $"'{nonMetric.Code}' is not a metric unit and cannot take a prefix ('{symbol}')"
            : $"unknown unit '{symbol}'");
        return false;
    }

    private bool ParseAnnotation()
    {
        var start = _pos;
        _pos++; // '{'
        while (_pos < _s.Length && _s[_pos] != '}')
        {
            // Printable ASCII (space included, as reference implementations accept it); no nested braces.
            if (_s[_pos] is < ' ' or > '~' or '{')
            {
                return Error($"invalid character '{_s[_pos]}' in the annotation at position {_pos + 1}");
            }

            _pos++;
        }

        if (_pos >= _s.Length)
        {
            return Error($"the annotation at position {start + 1} is not closed");
        }

        _pos++; // '}'
        return true;
    }

    private Term? Fail(string message)
    {
        _error ??= message;
        return null;
    }

    private bool Error(string message)
    {
        _error ??= message;
        return false;
    }

    /// <summary>An intermediate result: a magnitude, a dimension, and what is known about special units.</summary>
    private readonly record struct Term(
        Rational Factor,
        Dimension Dim,
        UcumAtom? Special = null,
        Rational SpecialPrefix = default,
        bool Neutral = false,
        string? Problem = null)
    {
        public static Term One => new(Rational.One, Dimension.None);

        /// <summary>A bare annotation such as <c>{cells}</c>: the number one, neutral in products.</summary>
        public static Term Annotation => new(Rational.One, Dimension.None, Neutral: true);

        public static Term Number(BigInteger value) =>
            value.IsZero ? Fault("a factor of 0 cannot be converted") : Checked(new(Rational.FromInteger(value), Dimension.None));

        public static Term Fault(string problem) => new(Rational.One, Dimension.None, Problem: problem);

        public static Term Atom(UcumAtom atom, UcumPrefix? prefix, int exponent)
        {
            if (atom.FunctionName is not null)
            {
                if (atom.Special is null)
                {
                    return Fault($"the special unit '{atom.Code}' has no conversion function here");
                }

                return exponent == 1
                    ? new(atom.Factor, atom.Dimension, atom, prefix?.Factor ?? Rational.One)
                    : Fault($"the special unit '{atom.Code}' cannot take an exponent");
            }

            var magnitude = prefix is null ? atom.Factor : prefix.Factor * atom.Factor;
            return Checked(new(magnitude.Pow(exponent), atom.Dimension.Pow(exponent)));
        }

        public static Term Multiply(Term a, Term b)
        {
            if (a.Problem is not null)
            {
                return a;
            }

            if (b.Problem is not null)
            {
                return b;
            }

            if (a.Neutral)
            {
                return b;
            }

            if (b.Neutral)
            {
                return a;
            }

            return a.Special is not null || b.Special is not null
                ? SpecialInProduct(a.Special ?? b.Special!)
                : Checked(new(a.Factor * b.Factor, a.Dim.Multiply(b.Dim)));
        }

        public static Term Divide(Term a, Term b)
        {
            if (a.Problem is not null)
            {
                return a;
            }

            if (b.Problem is not null)
            {
                return b;
            }

            if (b.Neutral)
            {
                return a;
            }

            return a.Special is not null || b.Special is not null
                ? SpecialInProduct(a.Special ?? b.Special!)
                : Checked(new(a.Factor / b.Factor, a.Dim.Divide(b.Dim)));
        }

        private static Term SpecialInProduct(UcumAtom special) =>
            Fault($"the special unit '{special.Code}' cannot be multiplied or divided");

        private static Term Checked(Term t) =>
            t.Factor.BitLength > MaxBits ? Fault("the unit's magnitude is too large to convert") : t;
    }
}
