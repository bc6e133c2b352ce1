/* AES and the dm-crypt sector cipher.
 *  - IEEE P1619/D16 Annex B XTS-AES vectors (whole-block ones; the vectors with a
 *    partial last block need ciphertext stealing, which sectors never do), both through
 *    ld_aes_xts and through "aes-xts-plain64", whose IV is the vector's data unit number.
 *  - Randomized comparison of ECB/CBC/XTS with OpenSSL EVP.  OpenSSL has no
 *    AES-192-XTS, so that one is checked against XTS assembled here from OpenSSL's
 *    AES-192-ECB by the IEEE 1619 definition.
 *  - Every IV generator against expected data computed with OpenSSL from the IV
 *    definitions of Linux dm-crypt (drivers/md/dm-crypt.c) as restated below,
 *    independently of crypto/cipher.c.  (tests/unit/test_crypto_dmcrypt.c checks the
 *    same modes against data cryptsetup itself encrypted.)
 *  - Malformed and unsupported specifications rejected with a message naming them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/testutil.h"
#include "crypto/crypto.h"

/* ---- OpenSSL helpers ------------------------------------------------------------- */

static void ossl(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, int enc,
		 const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;

	assert_non_null(x);
	assert_int_equal(EVP_CipherInit_ex(x, c, NULL, key, iv, enc), 1);
	EVP_CIPHER_CTX_set_padding(x, 0);
	assert_int_equal(EVP_CipherUpdate(x, out, &n1, in, (int)len), 1);
	assert_int_equal(EVP_CipherFinal_ex(x, out + n1, &n2), 1);
	assert_int_equal((size_t)(n1 + n2), len);
	EVP_CIPHER_CTX_free(x);
}

static const EVP_CIPHER *ossl_ecb(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_ecb() : keylen == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
}

static const EVP_CIPHER *ossl_cbc(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_cbc() : keylen == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
}

/* XTS by its definition (IEEE 1619 5.3): T = E_K2(i); per block C = E_K1(P ^ T) ^ T,
 * then T = T * alpha in GF(2^128), little-endian byte order. */
static void xts_by_definition(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
			      const uint8_t *in, uint8_t *out, size_t len)
{
	size_t half = keylen / 2;
	uint8_t t[16], b[16];

	ossl(ossl_ecb(half), key + half, NULL, 1, iv, t, 16);
	for (size_t off = 0; off < len; off += 16) {
		for (int i = 0; i < 16; i++)
			b[i] = in[off + i] ^ t[i];
		ossl(ossl_ecb(half), key, NULL, enc, b, b, 16);
		for (int i = 0; i < 16; i++)
			out[off + i] = b[i] ^ t[i];
		int carry = t[15] >> 7;
		for (int i = 15; i > 0; i--)
			t[i] = (uint8_t)(t[i] << 1 | t[i - 1] >> 7);
		t[0] = (uint8_t)(t[0] << 1 ^ (carry ? 0x87 : 0));
	}
}

static void ossl_xts(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
		     const uint8_t *in, uint8_t *out, size_t len)
{
	if (keylen == 48)
		xts_by_definition(key, keylen, iv, enc, in, out, len);
	else
		ossl(keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts(), key, iv, enc, in, out, len);
}

/* ---- IEEE 1619 vectors ----------------------------------------------------------- */

#define XTS_PATTERN NULL /* plaintext 00 01 .. ff 00 01 .. ff */
#define XTS_PREV "" /* plaintext is the previous vector's ciphertext */

static const struct {
	int no;
	const char *key, *dataunit, *pt, *ct;
} xts_vec[] = {
	{ 1,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "00000000000000000000000000000000",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e" },
	{ 2,
	  "1111111111111111111111111111111122222222222222222222222222222222",
	  "33333333330000000000000000000000",
	  "4444444444444444444444444444444444444444444444444444444444444444",
	  "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0" },
	{ 3,
	  "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f022222222222222222222222222222222",
	  "33333333330000000000000000000000",
	  "4444444444444444444444444444444444444444444444444444444444444444",
	  "af85336b597afc1a900b2eb21ec949d292df4c047e0b21532186a5971a227a89" },
	{ 4,
	  "2718281828459045235360287471352631415926535897932384626433832795",
	  "00000000000000000000000000000000",
	  XTS_PATTERN,
	  "27a7479befa1d476489f308cd4cfa6e2a96e4bbe3208ff25287dd3819616e89cc78cf7f5e543445f8333d8fa7f560000"
	  "05279fa5d8b5e4ad40e736ddb4d35412328063fd2aab53e5ea1e0a9f332500a5df9487d07a5c92cc512c8866c7e860ce"
	  "93fdf166a24912b422976146ae20ce846bb7dc9ba94a767aaef20c0d61ad02655ea92dc4c4e41a8952c651d33174be51"
	  "a10c421110e6d81588ede82103a252d8a750e8768defffed9122810aaeb99f9172af82b604dc4b8e51bcb08235a6f434"
	  "1332e4ca60482a4ba1a03b3e65008fc5da76b70bf1690db4eae29c5f1badd03c5ccf2a55d705ddcd86d449511ceb7ec3"
	  "0bf12b1fa35b913f9f747a8afd1b130e94bff94effd01a91735ca1726acd0b197c4e5b03393697e126826fb6bbde8ecc"
	  "1e08298516e2c9ed03ff3c1b7860f6de76d4cecd94c8119855ef5297ca67e9f3e7ff72b1e99785ca0a7e7720c5b36dc6"
	  "d72cac9574c8cbbc2f801e23e56fd344b07f22154beba0f08ce8891e643ed995c94d9a69c9f1b5f499027a78572aeebd"
	  "74d20cc39881c213ee770b1010e4bea718846977ae119f7a023ab58cca0ad752afe656bb3c17256a9f6e9bf19fdd5a38"
	  "fc82bbe872c5539edb609ef4f79c203ebb140f2e583cb2ad15b4aa5b655016a8449277dbd477ef2c8d6c017db738b18d"
	  "eb4a427d1923ce3ff262735779a418f20a282df920147beabe421ee5319d0568" },
	{ 5,
	  "2718281828459045235360287471352631415926535897932384626433832795",
	  "01000000000000000000000000000000",
	  XTS_PREV,
	  "264d3ca8512194fec312c8c9891f279fefdd608d0c027b60483a3fa811d65ee59d52d9e40ec5672d81532b38b6b089ce"
	  "951f0f9c35590b8b978d175213f329bb1c2fd30f2f7f30492a61a532a79f51d36f5e31a7c9a12c286082ff7d2394d18f"
	  "783e1a8e72c722caaaa52d8f065657d2631fd25bfd8e5baad6e527d763517501c68c5edc3cdd55435c532d7125c8614d"
	  "eed9adaa3acade5888b87bef641c4c994c8091b5bcd387f3963fb5bc37aa922fbfe3df4e5b915e6eb514717bdd2a7407"
	  "9a5073f5c4bfd46adf7d282e7a393a52579d11a028da4d9cd9c77124f9648ee383b1ac763930e7162a8d37f350b2f74b"
	  "8472cf09902063c6b32e8c2d9290cefbd7346d1c779a0df50edcde4531da07b099c638e83a755944df2aef1aa31752fd"
	  "323dcb710fb4bfbb9d22b925bc3577e1b8949e729a90bbafeacf7f7879e7b1147e28ba0bae940db795a61b15ecf4df8d"
	  "b07b824bb062802cc98a9545bb2aaeed77cb3fc6db15dcd7d80d7d5bc406c4970a3478ada8899b329198eb61c193fb62"
	  "75aa8ca340344a75a862aebe92eee1ce032fd950b47d7704a3876923b4ad62844bf4a09c4dbe8b4397184b7471360c95"
	  "64880aedddb9baa4af2e75394b08cd32ff479c57a07d3eab5d54de5f9738b8d27f27a9f0ab11799d7b7ffefb2704c95c"
	  "6ad12c39f1e867a4b7b1d7818a4b753dfd2a89ccb45e001a03a867b187f225dd" },
	{ 6,
	  "2718281828459045235360287471352631415926535897932384626433832795",
	  "02000000000000000000000000000000",
	  XTS_PREV,
	  "fa762a3680b76007928ed4a4f49a9456031b704782e65e16cecb54ed7d017b5e18abd67b338e81078f21edb7868d901e"
	  "be9c731a7c18b5e6dec1d6a72e078ac9a4262f860beefa14f4e821018272e411a951502b6e79066e84252c3346f3aa62"
	  "344351a291d4bedc7a07618bdea2af63145cc7a4b8d4070691ae890cd65733e7946e9021a1dffc4c59f159425ee6d50c"
	  "a9b135fa6162cea18a939838dc000fb386fad086acce5ac07cb2ece7fd580b00cfa5e98589631dc25e8e2a3daf2ffdec"
	  "26531659912c9d8f7a15e5865ea8fb5816d6207052bd7128cd743c12c8118791a4736811935eb982a532349e31dd401e"
	  "0b660a568cb1a4711f552f55ded59f1f15bf7196b3ca12a91e488ef59d64f3a02bf45239499ac6176ae321c4a211ec54"
	  "5365971c5d3f4f09d4eb139bfdf2073d33180b21002b65cc9865e76cb24cd92c874c24c18350399a936ab3637079295d"
	  "76c417776b94efce3a0ef7206b15110519655c956cbd8b2489405ee2b09a6b6eebe0c53790a12a8998378b33a5b71159"
	  "625f4ba49d2a2fdba59fbf0897bc7aabd8d707dc140a80f0f309f835d3da54ab584e501dfa0ee977fec543f74186a802"
	  "b9a37adb3e8291eca04d66520d229e60401e7282bef486ae059aa70696e0e305d777140a7a883ecdcb69b9ff938e8a42"
	  "31864c69ca2c2043bed007ff3e605e014bcf518138dc3a25c5e236171a2d01d6" },
	{ 10,
	  "271828182845904523536028747135266249775724709369995957496696762731415926535897932384626433832795"
	  "02884197169399375105820974944592",
	  "ff000000000000000000000000000000",
	  XTS_PATTERN,
	  "1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b5d31e276f8fe4a8d66b317f9ac683f44"
	  "680a86ac35adfc3345befecb4bb188fd5776926c49a3095eb108fd1098baec70aaa66999a72a82f27d848b21d4a741b0"
	  "c5cd4d5fff9dac89aeba122961d03a757123e9870f8acf1000020887891429ca2a3e7a7d7df7b10355165c8b9a6d0a7d"
	  "e8b062c4500dc4cd120c0f7418dae3d0b5781c34803fa75421c790dfe1de1834f280d7667b327f6c8cd7557e12ac3a0f"
	  "93ec05c52e0493ef31a12d3d9260f79a289d6a379bc70c50841473d1a8cc81ec583e9645e07b8d9670655ba5bbcfecc6"
	  "dc3966380ad8fecb17b6ba02469a020a84e18e8f84252070c13e9f1f289be54fbc481457778f616015e1327a02b140f1"
	  "505eb309326d68378f8374595c849d84f4c333ec4423885143cb47bd71c5edae9be69a2ffeceb1bec9de244fbe15992b"
	  "11b77c040f12bd8f6a975a44a0f90c29a9abc3d4d893927284c58754cce294529f8614dcd2aba991925fedc4ae74ffac"
	  "6e333b93eb4aff0479da9a410e4450e0dd7ae4c6e2910900575da401fc07059f645e8b7e9bfdef33943054ff84011493"
	  "c27b3429eaedb4ed5376441a77ed43851ad77f16f541dfd269d50d6a5f14fb0aab1cbb4c1550be97f7ab4066193c4caa"
	  "773dad38014bd2092fa755c824bb5e54c4f36ffda9fcea70b9c6e693e148c151" },
	{ 11,
	  "271828182845904523536028747135266249775724709369995957496696762731415926535897932384626433832795"
	  "02884197169399375105820974944592",
	  "ffff0000000000000000000000000000",
	  XTS_PATTERN,
	  "77a31251618a15e6b92d1d66dffe7b50b50bad552305ba0217a610688eff7e11e1d0225438e093242d6db274fde801d4"
	  "cae06f2092c728b2478559df58e837c2469ee4a4fa794e4bbc7f39bc026e3cb72c33b0888f25b4acf56a2a9804f1ce6d"
	  "3d6e1dc6ca181d4b546179d55544aa7760c40d06741539c7e3cd9d2f6650b2013fd0eeb8c2b8e3d8d240ccae2d4c9832"
	  "0a7442e1c8d75a42d6e6cfa4c2eca1798d158c7aecdf82490f24bb9b38e108bcda12c3faf9a21141c3613b58367f922a"
	  "aa26cd22f23d708dae699ad7cb40a8ad0b6e2784973dcb605684c08b8d6998c69aac049921871ebb65301a4619ca80ec"
	  "b485a31d744223ce8ddc2394828d6a80470c092f5ba413c3378fa6054255c6f9df4495862bbb3287681f931b687c888a"
	  "bf844dfc8fc28331e579928cd12bd2390ae123cf03818d14dedde5c0c24c8ab018bfca75ca096f2d531f3d1619e785f1"
	  "ada437cab92e980558b3dce1474afb75bfedbf8ff54cb2618e0244c9ac0d3c66fb51598cd2db11f9be39791abe447c63"
	  "094f7c453b7ff87cb5bb36b7c79efb0872d17058b83b15ab0866ad8a58656c5a7e20dbdf308b2461d97c0ec0024a2715"
	  "055249cf3b478ddd4740de654f75ca686e0d7345c69ed50cdc2a8b332b1f8824108ac937eb050585608ee734097fc090"
	  "54fbff89eeaeea791f4a7ab1f9868294a4f9e27b42af8100cb9d59cef9645803" },
	{ 12,
	  "271828182845904523536028747135266249775724709369995957496696762731415926535897932384626433832795"
	  "02884197169399375105820974944592",
	  "ffffff00000000000000000000000000",
	  XTS_PATTERN,
	  "e387aaa58ba483afa7e8eb469778317ecf4cf573aa9d4eac23f2cdf914e4e200a8b490e42ee646802dc6ee2b471b2781"
	  "95d60918ececb44bf79966f83faba0499298ebc699c0c8634715a320bb4f075d622e74c8c932004f25b41e361025b5a8"
	  "7815391f6108fc4afa6a05d9303c6ba68a128a55705d415985832fdeaae6c8e19110e84d1b1f199a2692119edc961326"
	  "58f09da7c623efcec712537a3d94c0bf5d7e352ec94ae5797fdb377dc1551150721adf15bd26a8efc2fcaad56881fa9e"
	  "62462c28f30ae1ceaca93c345cf243b73f542e2074a705bd2643bb9f7cc79bb6e7091ea6e232df0f9ad0d6cf50232787"
	  "6d82207abf2115cdacf6d5a48f6c1879a65b115f0f8b3cb3c59d15dd8c769bc014795a1837f3901b5845eb491adfefe0"
	  "97b1fa30a12fc1f65ba22905031539971a10f2f36c321bb51331cdefb39e3964c7ef079994f5b69b2edd83a71ef54997"
	  "1ee93f44eac3938fcdd61d01fa71799da3a8091c4c48aa9ed263ff0749df95d44fef6a0bb578ec69456aa5408ae32c7a"
	  "f08ad7ba8921287e3bbee31b767be06a0e705c864a769137df28292283ea81a2480241b44d9921cdbec1bc28dc1fda11"
	  "4bd8e5217ac9d8ebafa720e9da4f9ace231cc949e5b96fe76ffc21063fddc83a6b8679c00d35e09576a875305bed5f36"
	  "ed242c8900dd1fa965bc950dfce09b132263a1eef52dd6888c309f5a7d712826" },
	{ 13,
	  "271828182845904523536028747135266249775724709369995957496696762731415926535897932384626433832795"
	  "02884197169399375105820974944592",
	  "ffffffff000000000000000000000000",
	  XTS_PATTERN,
	  "bf53d2dade78e822a4d949a9bc6766b01b06a8ef70d26748c6a7fc36d80ae4c5520f7c4ab0ac8544424fa405162fef5a"
	  "6b7f229498063618d39f0003cb5fb8d1c86b643497da1ff945c8d3bedeca4f479702a7a735f043ddb1d6aaade3c4a0ac"
	  "7ca7f3fa5279bef56f82cd7a2f38672e824814e10700300a055e1630b8f1cb0e919f5e942010a416e2bf48cb46993d3c"
	  "b6a51c19bacf864785a00bc2ecff15d350875b246ed53e68be6f55bd7e05cfc2b2ed6432198a6444b6d8c247fab941f5"
	  "69768b5c429366f1d3f00f0345b96123d56204c01c63b22ce78baf116e525ed90fdea39fa469494d3866c31e05f295ff"
	  "21fea8d4e6e13d67e47ce722e9698a1c1048d68ebcde76b86fcf976eab8aa9790268b7068e017a8b9b749409514f1053"
	  "027fd16c3786ea1bac5f15cb79711ee2abe82f5cf8b13ae73030ef5b9e4457e75d1304f988d62dd6fc4b94ed38ba831d"
	  "a4b7634971b6cd8ec325d9c61c00f1df73627ed3745a5e8489f3a95c69639c32cd6e1d537a85f75cc844726e8a72fc00"
	  "77ad22000f1d5078f6b866318c668f1ad03d5a5fced5219f2eabbd0aa5c0f460d183f04404a0d6f469558e81fab24a16"
	  "7905ab4c7878502ad3e38fdbe62a41556cec37325759533ce8f25f367c87bb5578d667ae93f9e2fd99bcbc5f2fbba88c"
	  "f6516139420fcff3b7361d86322c4bd84c82f335abb152c4a93411373aaa8220" },
	{ 14,
	  "271828182845904523536028747135266249775724709369995957496696762731415926535897932384626433832795"
	  "02884197169399375105820974944592",
	  "ffffffffff0000000000000000000000",
	  XTS_PATTERN,
	  "64497e5a831e4a932c09be3e5393376daa599548b816031d224bbf50a818ed2350eae7e96087c8a0db51ad290bd00c1a"
	  "c1620857635bf246c176ab463be30b808da548081ac847b158e1264be25bb0910bbc92647108089415d45fab1b3d2604"
	  "e8a8eff1ae4020cfa39936b66827b23f371b92200be90251e6d73c5f86de5fd4a950781933d79a28272b782a2ec313ef"
	  "dfcc0628f43d744c2dc2ff3dcb66999b50c7ca895b0c64791eeaa5f29499fb1c026f84ce5b5c72ba1083cddb5ce45434"
	  "631665c333b60b11593fb253c5179a2c8db813782a004856a1653011e93fb6d876c18366dd8683f53412c0c180f9c848"
	  "592d593f8609ca736317d356e13e2bff3a9f59cd9aeb19cd482593d8c46128bb32423b37a9adfb482b99453fbe25a41b"
	  "f6feb4aa0bef5ed24bf73c762978025482c13115e4015aac992e5613a3b5c2f685b84795cb6e9b2656d8c88157e52c42"
	  "f978d8634c43d06fea928f2822e465aa6576e9bf419384506cc3ce3c54ac1a6f67dc66f3b30191e698380bc999b05abc"
	  "e19dc0c6dcc2dd001ec535ba18deb2df1a101023108318c75dc98611a09dc48a0acdec676fabdf222f07e026f059b672"
	  "b56e5cbc8e1d21bbd867dd927212054681d70ea737134cdfce93b6f82ae22423274e58a0821cc5502e2d0ab4585e94de"
	  "6975be5e0b4efce51cd3e70c25a1fbbbd609d273ad5b0d59631c531f6a0a57b9" },
	{ 19,
	  "e0e1e2e3e4e5e6e7e8e9eaebecedeeefc0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
	  "21436587a90000000000000000000000",
	  XTS_PATTERN,
	  "38b45812ef43a05bd957e545907e223b954ab4aaf088303ad910eadf14b42be68b2461149d8c8ba85f992be970bc621f"
	  "1b06573f63e867bf5875acafa04e42ccbd7bd3c2a0fb1fff791ec5ec36c66ae4ac1e806d81fbf709dbe29e471fad3854"
	  "9c8e66f5345d7c1eb94f405d1ec785cc6f6a68f6254dd8339f9d84057e01a17741990482999516b5611a38f41bb6478e"
	  "6f173f320805dd71b1932fc333cb9ee39936beea9ad96fa10fb4112b901734ddad40bc1878995f8e11aee7d141a2f5d4"
	  "8b7a4e1e7f0b2c04830e69a4fd1378411c2f287edf48c6c4e5c247a19680f7fe41cefbd49b582106e3616cbbe4dfb234"
	  "4b2ae9519391f3e0fb4922254b1d6d2d19c6d4d537b3a26f3bcc51588b32f3eca0829b6a5ac72578fb814fb43cf80d64"
	  "a233e3f997a3f02683342f2b33d25b492536b93becb2f5e1a8b82f5b883342729e8ae09d16938841a21a97fb543eea3b"
	  "bff59f13c1a18449e398701c1ad51648346cbc04c27bb2da3b93a1372ccae548fb53bee476f9e9c91773b1bb19828394"
	  "d55d3e1a20ed69113a860b6829ffa847224604435070221b257e8dff783615d2cae4803a93aa4334ab482a0afac9c0ae"
	  "da70b45a481df5dec5df8cc0f423c77a5fd46cd312021d4b438862419a791be03bb4d97c0e59578542531ba466a83baf"
	  "92cefc151b5cc1611a167893819b63fb8a6b18e86de60290fa72b797b0ce59f3" },
};

static void test_xts_ieee1619(void **state)
{
	uint8_t key[64], du[16], pt[512], ct[512], buf[512], prev[512];
	char err[128];
	size_t prevlen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(xts_vec) / sizeof(xts_vec[0]); i++) {
		size_t klen = strlen(xts_vec[i].key) / 2, len = strlen(xts_vec[i].ct) / 2;
		ld_cipher *c;

		assert_int_equal(tu_unhex(xts_vec[i].key, key, klen), 0);
		assert_int_equal(tu_unhex(xts_vec[i].dataunit, du, 16), 0);
		assert_int_equal(tu_unhex(xts_vec[i].ct, ct, len), 0);
		if (xts_vec[i].pt == XTS_PATTERN) {
			for (size_t j = 0; j < len; j++)
				pt[j] = (uint8_t)j;
		} else if (xts_vec[i].pt[0] == '\0') {
			assert_int_equal(prevlen, len);
			memcpy(pt, prev, len);
		} else {
			assert_int_equal(tu_unhex(xts_vec[i].pt, pt, len), 0);
		}
		memcpy(prev, ct, len);
		prevlen = len;

		print_message("# IEEE 1619 vector %d\n", xts_vec[i].no);
		assert_int_equal(ld_aes_xts(key, klen, 1, du, pt, buf, len), LD_OK);
		assert_memory_equal(buf, ct, len);
		assert_int_equal(ld_aes_xts(key, klen, 0, du, buf, buf, len), LD_OK);
		assert_memory_equal(buf, pt, len);

		/* The data unit numbers are little-endian, i.e. plain64 sector numbers. */
		if (len != 512)
			continue;
		uint64_t sector = 0;
		for (int j = 7; j >= 0; j--)
			sector = sector << 8 | du[j];
		assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, klen, &tu_alloc, err,
					       sizeof(err)), LD_OK);
		memcpy(buf, pt, len);
		assert_int_equal(ld_cipher_encrypt(c, buf, len, 512, sector, 1), LD_OK);
		assert_memory_equal(buf, ct, len);
		assert_int_equal(ld_cipher_decrypt(c, buf, len, 512, sector, 1), LD_OK);
		assert_memory_equal(buf, pt, len);
		ld_cipher_free(c);
	}
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

/* FIPS-197 Appendix C example vectors (one block, key 00 01 02 ..). */
static void test_aes_fips197(void **state)
{
	static const char *ct[] = { "69c4e0d86a7b0430d8cdb78070b4c55a",
				    "dda97ca4864cdfe06eaf70a0ec0d7191",
				    "8ea2b7ca516745bfeafc49904b496089" };
	uint8_t key[32], pt[16], out[16], want[16];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 16; i++)
		pt[i] = (uint8_t)(i * 0x11);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(tu_unhex(ct[k], want, 16), 0);
		assert_int_equal(ld_aes_ecb(key, 16 + 8 * (size_t)k, 1, pt, out, 16), LD_OK);
		assert_memory_equal(out, want, 16);
		assert_int_equal(ld_aes_ecb(key, 16 + 8 * (size_t)k, 0, out, out, 16), LD_OK);
		assert_memory_equal(out, pt, 16);
	}
}

static void test_aes_random_vs_openssl(void **state)
{
	static uint8_t in[4096], a[4096], b[4096];
	uint8_t key[64], iv[16];

	(void)state;
	tu_rand_seed();
	for (int round = 0; round < 300; round++) {
		size_t ks = 16 + 8 * tu_rand_below(3);
		size_t len = 16 * (1 + tu_rand_below(256));
		int enc = (int)tu_rand_below(2);

		tu_rand_bytes(key, sizeof(key));
		tu_rand_bytes(iv, sizeof(iv));
		tu_rand_bytes(in, len);
		switch (round % 3) {
		case 0:
			assert_int_equal(ld_aes_ecb(key, ks, enc, in, a, len), LD_OK);
			ossl(ossl_ecb(ks), key, NULL, enc, in, b, len);
			break;
		case 1:
			assert_int_equal(ld_aes_cbc(key, ks, enc, iv, in, a, len), LD_OK);
			ossl(ossl_cbc(ks), key, iv, enc, in, b, len);
			break;
		default:
			/* OpenSSL refuses XTS keys whose halves are equal; random ones differ. */
			assert_int_equal(ld_aes_xts(key, 2 * ks, enc, iv, in, a, len), LD_OK);
			ossl_xts(key, 2 * ks, iv, enc, in, b, len);
			break;
		}
		assert_memory_equal(a, b, len);
	}
	/* Our by-definition XTS agrees with OpenSSL's where both exist (so that the
	 * AES-192-XTS comparison above means something). */
	for (size_t ks = 16; ks <= 32; ks += 16) {
		tu_rand_bytes(key, sizeof(key));
		tu_rand_bytes(iv, sizeof(iv));
		tu_rand_bytes(in, 512);
		xts_by_definition(key, 2 * ks, iv, 1, in, a, 512);
		ossl(ks == 16 ? EVP_aes_128_xts() : EVP_aes_256_xts(), key, iv, 1, in, b, 512);
		assert_memory_equal(a, b, 512);
	}
}

static void test_aes_bad_args(void **state)
{
	uint8_t key[64] = { 0 }, iv[16] = { 0 }, buf[64] = { 0 };

	(void)state;
	assert_int_equal(ld_aes_ecb(key, 20, 1, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_ecb(key, 16, 1, buf, buf, 15), LD_ERR_INVALID);
	assert_int_equal(ld_aes_cbc(key, 64, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 16, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 40, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 32, 1, iv, buf, buf, 8), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 32, 1, iv, buf, buf, 24), LD_ERR_INVALID);
}

/* ---- dm-crypt IV generators against OpenSSL ------------------------------------- */

enum ivk { K_NONE, K_NULL, K_PLAIN, K_PLAIN64, K_PLAIN64BE, K_ESSIV256, K_BENBI };

static const struct {
	const char *spec;
	char mode; /* 'e'cb, 'c'bc, 'x'ts */
	enum ivk iv;
} specs[] = {
	{ "aes-ecb", 'e', K_NONE },
	{ "aes-ecb-null", 'e', K_NULL },
	{ "aes-cbc-null", 'c', K_NULL },
	{ "aes-cbc-plain", 'c', K_PLAIN },
	{ "aes-plain", 'c', K_PLAIN },
	{ "aes", 'c', K_PLAIN },
	{ "aes-cbc-plain64", 'c', K_PLAIN64 },
	{ "aes-cbc-plain64be", 'c', K_PLAIN64BE },
	{ "aes-cbc-essiv:sha256", 'c', K_ESSIV256 },
	{ "aes-cbc-benbi", 'c', K_BENBI },
	{ "aes-xts-null", 'x', K_NULL },
	{ "aes-xts-plain", 'x', K_PLAIN },
	{ "aes-xts-plain64", 'x', K_PLAIN64 },
	{ "aes-xts-plain64be", 'x', K_PLAIN64BE },
	{ "aes-xts-essiv:sha256", 'x', K_ESSIV256 },
	{ "aes-xts-benbi", 'x', K_BENBI },
};

/* The IV of IV sector n, restated from dm-crypt's documentation and source:
 * plain = le32(n), plain64 = le64(n), plain64be = be64(n) in the last 8 bytes,
 * essiv = E_{SHA256(key)}(le64(n)), benbi = be64(n * 32 + 1) in the last 8 bytes
 * (count of 16-byte blocks from 1), null = zero. */
static void expected_iv(enum ivk k, const uint8_t *key, size_t keylen, uint64_t n, uint8_t iv[16])
{
	memset(iv, 0, 16);
	switch (k) {
	case K_NONE:
	case K_NULL:
		break;
	case K_PLAIN:
		for (int i = 0; i < 4; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		break;
	case K_PLAIN64:
		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		break;
	case K_PLAIN64BE:
		for (int i = 0; i < 8; i++)
			iv[15 - i] = (uint8_t)(n >> (8 * i));
		break;
	case K_BENBI: {
		uint64_t v = (n << 5) + 1;
		for (int i = 0; i < 8; i++)
			iv[15 - i] = (uint8_t)(v >> (8 * i));
		break;
	}
	case K_ESSIV256: {
		uint8_t salt[32];
		SHA256(key, keylen, salt);
		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		ossl(EVP_aes_256_ecb(), salt, NULL, 1, iv, iv, 16);
		break;
	}
	}
}

static void test_ivgen_vs_openssl(void **state)
{
	static uint8_t pt[8 * 4096], got[8 * 4096], want[8 * 4096];
	static const size_t sectors[] = { 512, 1024, 2048, 4096 };
	uint8_t key[64], iv[16];
	char err[160];

	(void)state;
	tu_rand_seed();
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		for (int round = 0; round < 12; round++) {
			size_t ks = 16 + 8 * (size_t)(round % 3), keylen = specs[s].mode == 'x' ? 2 * ks : ks;
			size_t ss = sectors[tu_rand_below(4)], count = 1 + tu_rand_below(8);
			uint64_t step = (round & 4) ? ss / 512 : 1;
			/* Sector numbers around 2^32 show plain's truncation, huge ones benbi's. */
			uint64_t first = (round & 8) ? tu_rand64() : (uint64_t)0xfffffffcu + tu_rand_below(8);
			ld_cipher *c;

			if (round < 2)
				first = (uint64_t)round; /* sector 0 and 1 */
			tu_rand_bytes(key, keylen);
			tu_rand_bytes(pt, count * ss);
			for (size_t i = 0; i < count; i++) {
				const uint8_t *in = pt + i * ss;
				uint8_t *out = want + i * ss;

				expected_iv(specs[s].iv, key, keylen, first + i * step, iv);
				if (specs[s].mode == 'e')
					ossl(ossl_ecb(ks), key, NULL, 1, in, out, ss);
				else if (specs[s].mode == 'c')
					ossl(ossl_cbc(ks), key, iv, 1, in, out, ss);
				else
					ossl_xts(key, keylen, iv, 1, in, out, ss);
			}
			if (ld_cipher_new(&c, specs[s].spec, key, keylen, &tu_alloc, err, sizeof(err)) != LD_OK)
				fail_msg("%s with %zu-byte key: %s", specs[s].spec, keylen, err);
			memcpy(got, pt, count * ss);
			assert_int_equal(ld_cipher_encrypt(c, got, count * ss, ss, first, step), LD_OK);
			if (memcmp(got, want, count * ss) != 0)
				fail_msg("%s key %zu sector %zu first %llu step %llu: encryption differs",
					 specs[s].spec, keylen, ss, (unsigned long long)first,
					 (unsigned long long)step);
			assert_int_equal(ld_cipher_decrypt(c, got, count * ss, ss, first, step), LD_OK);
			assert_memory_equal(got, pt, count * ss);
			ld_cipher_free(c);
		}
	}
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

/* ---- rejected specifications ----------------------------------------------------- */

static void test_bad_specs(void **state)
{
	static const struct {
		const char *spec;
		size_t keylen;
		int err;
		const char *msg_has; /* the message must name this */
	} bad[] = {
		{ "serpent-xts-plain64", 64, LD_ERR_UNSUPPORTED, "serpent" },
		{ "twofish-cbc-essiv:sha256", 32, LD_ERR_UNSUPPORTED, "twofish" },
		{ "camellia-xts-plain64", 64, LD_ERR_UNSUPPORTED, "camellia" },
		{ "aes-gcm-random", 32, LD_ERR_UNSUPPORTED, "gcm" },
		{ "aes-ctr-plain64", 32, LD_ERR_UNSUPPORTED, "ctr" },
		{ "aes-xts-lmk", 64, LD_ERR_UNSUPPORTED, "lmk" },
		{ "aes-cbc-tcw", 32, LD_ERR_UNSUPPORTED, "tcw" },
		{ "aes-cbc-eboiv", 32, LD_ERR_UNSUPPORTED, "eboiv" },
		{ "aes-xts-random", 64, LD_ERR_UNSUPPORTED, "random" },
		{ "aes-cbc-essiv:sha1", 32, LD_ERR_UNSUPPORTED, "essiv:sha1" },
		{ "aes-cbc-essiv:sha512", 32, LD_ERR_UNSUPPORTED, "essiv:sha512" },
		{ "aes-cbc-essiv", 32, LD_ERR_UNSUPPORTED, "aes-cbc-essiv" },
		{ "aes-cbc-essiv:", 32, LD_ERR_UNSUPPORTED, "aes-cbc-essiv:" },
		{ "aes-xts-plain64:sha256", 64, LD_ERR_INVALID, "aes-xts-plain64:sha256" },
		{ "aes-ecb-plain64", 32, LD_ERR_UNSUPPORTED, "aes-ecb-plain64" },
		{ "capi:xts(aes)-plain64", 64, LD_ERR_UNSUPPORTED, "capi:xts(aes)" },
		{ "aes-xts-plain64-extra", 64, LD_ERR_UNSUPPORTED, "plain64-extra" },
		{ "aes-xts", 64, LD_ERR_INVALID, "aes-xts" },
		{ "aes-cbc", 32, LD_ERR_INVALID, "aes-cbc" },
		{ "aes--plain64", 32, LD_ERR_INVALID, "aes--plain64" },
		{ "aes-xts-", 64, LD_ERR_INVALID, "aes-xts-" },
		{ "-xts-plain64", 64, LD_ERR_INVALID, "-xts-plain64" },
		{ "AES-XTS-PLAIN64", 64, LD_ERR_UNSUPPORTED, "AES" },
		{ "", 64, LD_ERR_INVALID, "empty" },
		{ "\x01\xff garbage", 64, LD_ERR_UNSUPPORTED, "garbage" },
		/* key sizes */
		{ "aes-xts-plain64", 16, LD_ERR_UNSUPPORTED, "16 bytes" },
		{ "aes-xts-plain64", 33, LD_ERR_UNSUPPORTED, "33 bytes" },
		{ "aes-xts-plain64", 128, LD_ERR_UNSUPPORTED, "128 bytes" },
		{ "aes-cbc-essiv:sha256", 64, LD_ERR_UNSUPPORTED, "64 bytes" },
		{ "aes-cbc-plain64", 20, LD_ERR_UNSUPPORTED, "20 bytes" },
		{ "aes-ecb", 0, LD_ERR_UNSUPPORTED, "0 bytes" },
	};
	uint8_t key[128] = { 0 };
	char err[200];
	ld_cipher *c = (ld_cipher *)&c; /* must be reset to NULL on failure */

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 'x', sizeof(err));
		assert_int_equal(ld_cipher_check(bad[i].spec, bad[i].keylen, err, sizeof(err)), bad[i].err);
		print_message("# %s (%zu): %s\n", bad[i].spec, bad[i].keylen, err);
		if (strstr(err, bad[i].msg_has) == NULL)
			fail_msg("message for \"%s\" does not name \"%s\": %s", bad[i].spec,
				 bad[i].msg_has, err);
		assert_int_equal(ld_cipher_new(&c, bad[i].spec, key, bad[i].keylen, &tu_alloc, err,
					       sizeof(err)), bad[i].err);
		assert_null(c);
		assert_non_null(strstr(err, bad[i].msg_has));
	}
	/* Over-long input is cut short in the message, and the message buffer bound holds. */
	{
		char longspec[300];
		memset(longspec, 'a', sizeof(longspec) - 1);
		longspec[sizeof(longspec) - 1] = '\0';
		assert_int_equal(ld_cipher_check(longspec, 64, err, sizeof(err)), LD_ERR_INVALID);
		assert_true(strlen(err) < sizeof(err));
		memset(err, 'x', sizeof(err));
		assert_int_equal(ld_cipher_check("serpent-xts-plain64", 64, err, 10), LD_ERR_UNSUPPORTED);
		assert_int_equal(strlen(err), 9);
		assert_int_equal(err[10], 'x');
	}
	assert_int_equal(ld_cipher_check("aes-xts-plain64", 64, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check("aes-xts-plain64", 48, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check("aes-cbc-essiv:sha256", 16, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check(NULL, 64, NULL, 0), LD_ERR_INVALID);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

static void test_cipher_bad_calls(void **state)
{
	uint8_t key[64] = { 1 }, buf[8192] = { 0 };
	ld_cipher *c;
	char err[100];

	(void)state;
	tu_alloc_failing(1);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, &tu_alloc, err, sizeof(err)),
			 LD_ERR_NOMEM);
	tu_alloc_failing(0);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, NULL, err, sizeof(err)),
			 LD_ERR_INVALID);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, &tu_alloc, err, sizeof(err)),
			 LD_OK);
	assert_int_equal(ld_cipher_decrypt(c, buf, 1000, 512, 0, 1), LD_ERR_INVALID);  /* partial */
	assert_int_equal(ld_cipher_decrypt(c, buf, 256, 256, 0, 1), LD_ERR_INVALID);   /* < 512 */
	assert_int_equal(ld_cipher_decrypt(c, buf, 8192, 8192, 0, 1), LD_ERR_INVALID); /* > 4096 */
	assert_int_equal(ld_cipher_decrypt(c, buf, 3072, 1536, 0, 1), LD_ERR_INVALID); /* not 2^n */
	assert_int_equal(ld_cipher_decrypt(c, buf, 512, 512, 0, 0), LD_ERR_INVALID);   /* step 0 */
	assert_int_equal(ld_cipher_decrypt(c, NULL, 512, 512, 0, 1), LD_ERR_INVALID);
	assert_int_equal(ld_cipher_decrypt(c, buf, 0, 512, 0, 1), LD_OK); /* nothing to do */
	assert_int_equal(ld_cipher_decrypt(NULL, buf, 512, 512, 0, 1), LD_ERR_INVALID);
	ld_cipher_free(c);
	ld_cipher_free(NULL);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xts_ieee1619),
		cmocka_unit_test(test_aes_fips197),
		cmocka_unit_test(test_aes_random_vs_openssl),
		cmocka_unit_test(test_aes_bad_args),
		cmocka_unit_test(test_ivgen_vs_openssl),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_cipher_bad_calls),
	};
	return cmocka_run_group_tests_name("crypto_cipher", tests, NULL, NULL);
}
