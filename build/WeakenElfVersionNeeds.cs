// MSBuild inline task (compiled by RoslynCodeTaskFactory, see TorchSharpNativeFix.targets).
//
// TorchSharp 0.107.0's libLibTorchSharp.so was linked against a libstdc++ that defines the
// version tag GLIBCXX_3.4.32 (GCC 13+), because the compiler emits a reference to
// std::ios_base_library_init. The library never calls that symbol (it has no relocation for it),
// but the dynamic loader refuses to load a library whose version needs are not met, so on
// distributions with an older libstdc++ (Debian 12 ships GLIBCXX_3.4.30, Ubuntu 22.04 likewise)
// TorchSharp fails with "version `GLIBCXX_3.4.32' not found".
//
// The ELF fix is one bit: in the library's version-needs table (.gnu.version_r) the Vernaux entry
// of that version gets the flag VER_FLG_WEAK (0x2). A weak version need that the provider lacks is
// not an error for ld.so. This task applies that bit to the copies in the build output and publish
// inputs only, whatever the build machine's own libstdc++ has (the output may run elsewhere; the bit
// changes nothing where the version exists). It never writes into the NuGet
// cache: the patched bytes go to a new file that is renamed over the output entry, so a symbolic or
// hard link in the output is replaced, never written through.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class RelaxWeakenElfVersionNeeds : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The output copies of the native library to patch.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Semicolon-separated version names to make weak when the system library lacks them.</summary>
    [Required]
    public string Versions { get; set; } = string.Empty;

    public override bool Execute()
    {
        var wanted = Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
        if (wanted.Length == 0 || Files.Length == 0)
        {
            return true;
        }

        // Whatever the build machine has: a weak need is harmless where libstdc++ defines the version, and it is what
        // lets the library load where it does not (the output may run on another machine than the one that built it).
        var missing = new HashSet<string>(wanted, StringComparer.Ordinal);
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path))
            {
                continue;
            }

            byte[] bytes = File.ReadAllBytes(path);
            List<string> changed;
            try
            {
                changed = MarkWeak(bytes, missing, out var alreadyWeak);
                var isLink = (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
                if (changed.Count == 0 && !isLink)
                {
                    Log.LogMessage(MessageImportance.Low, $"Relax: {path} already has weak needs for {string.Join(", ", alreadyWeak)}.");
                    continue;
                }
            }
            catch (InvalidDataException e)
            {
                Log.LogWarning($"Relax: could not patch {path}: {e.Message}");
                continue;
            }

            var temp = path + ".relax-" + Guid.NewGuid().ToString("N") + ".tmp";
            File.Copy(path, temp, overwrite: true); // follows a link; keeps the file mode
            File.WriteAllBytes(temp, bytes);
            File.Delete(path); // removes the link or output copy itself, never its target
            File.Move(temp, path);
            Log.LogMessage(MessageImportance.High,
                changed.Count > 0
                    ? $"Relax: marked {string.Join(", ", changed)} weak in {path}, so TorchSharp loads where libstdc++ is older (Debian 12, Ubuntu 22.04)."
                    : $"Relax: replaced the link {path} by a private copy with weak version needs.");
        }

        return true;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entries named in <paramref name="versions"/>.</summary>
    /// <returns>The names whose flag was changed.</returns>
    private static List<string> MarkWeak(byte[] elf, ISet<string> versions, out List<string> alreadyWeak)
    {
        alreadyWeak = new List<string>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        }

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        if (shoff == 0 || shentsize < 64 || shoff + (ulong)(shentsize * shnum) > (ulong)elf.Length)
        {
            throw new InvalidDataException("section header table missing or out of bounds");
        }

        var changed = new List<string>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int verneedOffset = checked((int)U64(elf, sh + 0x18));
            int link = (int)U32(elf, sh + 0x28);
            int entries = (int)U32(elf, sh + 0x2C);
            int strSh = checked((int)shoff + link * shentsize);
            int strOffset = checked((int)U64(elf, strSh + 0x18));

            int vn = verneedOffset;
            for (int n = 0; n < entries; n++)
            {
                int count = U16(elf, vn + 2);
                int aux = vn + (int)U32(elf, vn + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = CString(elf, strOffset + (int)U32(elf, aux + 8));
                    if (versions.Contains(name))
                    {
                        int flagsAt = aux + 4;
                        ushort flags = (ushort)U16(elf, flagsAt);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            elf[flagsAt] = (byte)flags;
                            elf[flagsAt + 1] = (byte)(flags >> 8);
                            changed.Add(name);
                        }
                        else
                        {
                            alreadyWeak.Add(name);
                        }
                    }

                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }
                    aux += (int)nextAux;
                }

                uint next = U32(elf, vn + 12);
                if (next == 0)
                {
                    break;
                }
                vn += (int)next;
            }
        }

        return changed;
    }

    private static int U16(byte[] b, int at) => Check(b, at, 2) + (b[at] | (b[at + 1] << 8));

    private static uint U32(byte[] b, int at) => (uint)Check(b, at, 4) + BitConverter.ToUInt32(b, at);

    private static ulong U64(byte[] b, int at) => (ulong)Check(b, at, 8) + BitConverter.ToUInt64(b, at);

    private static int Check(byte[] b, int at, int size)
    {
        if (at < 0 || at + size > b.Length)
        {
            throw new InvalidDataException($"offset {at} out of bounds");
        }
        return 0;
    }

    private static string CString(byte[] b, int at)
    {
        int end = Array.IndexOf(b, (byte)0, at);
        if (at < 0 || end < 0)
        {
            throw new InvalidDataException("string table entry out of bounds");
        }
        return Encoding.ASCII.GetString(b, at, end - at);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack[i] != needle[0])
            {
                continue;
            }
            int j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.Length)
            {
                return i;
            }
        }
        return -1;
    }
}
