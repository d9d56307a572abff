using System.Globalization;

namespace Relax.Models;

/// <summary>How a (N, T, D) output becomes (N, D): <see cref="None"/> (the output is (N, D) already),
/// <see cref="Mean"/> over T, or one token, <see cref="Token"/> (a class token at 0, say). The card spells them
/// <c>none</c>, <c>mean</c> and <c>token:K</c>.</summary>
public sealed record OutputReduction
{
    private OutputReduction(string kind, int token)
    {
        Kind = kind;
        TokenIndex = token;
    }

    /// <summary>The output is (N, D) already.</summary>
    public static OutputReduction None { get; } = new("none", 0);

    /// <summary>The mean over the time axis of a (N, T, D) output.</summary>
    public static OutputReduction Mean { get; } = new("mean", 0);

    /// <summary>Token <paramref name="index"/> of a (N, T, D) output (negative counts from the end, as in PyTorch).</summary>
    public static OutputReduction Token(int index) => new("token", index);

    /// <summary><c>none</c>, <c>mean</c> or <c>token</c>.</summary>
    public string Kind { get; }

    /// <summary>The token a <c>token</c> reduction takes; 0 otherwise.</summary>
    public int TokenIndex { get; }

    /// <summary>As the card spells it: <c>none</c>, <c>mean</c>, <c>token:K</c>.</summary>
    public override string ToString() => Kind == "token" ? string.Create(CultureInfo.InvariantCulture, $"token:{TokenIndex}") : Kind;
}
